/**
 * What a deployment's secrets.json holds, resolved from the vault: the agent's secrets for its
 * environment (global ones first, the agent's own override them), the provider keys the LLM proxy
 * spends, and the PII audit hash key (made once per agent and environment, so audit hashes match
 * across versions and restarts). Used at deploy, and again whenever a secret changes so running
 * replicas get the new values without a restart.
 */
import { randomBytes } from 'node:crypto';
import type { SecretsFile } from '../../runtime/config/secrets-file';
import type { Environment } from '../store/environments';
import type { Vault } from '../vault';
import { PROVIDER_KEY_SECRETS } from './deployment-config';

/** The vault secret holding an agent's audit hash key. */
export const AUDIT_KEY_SECRET = 'AGENTDOCK_AUDIT_HASH_KEY';

/** Vault names starting with this belong to AgentDock itself and never reach the agent's environment. */
const RESERVED_PREFIX = 'AGENTDOCK_';

/** Whether a vault name is AgentDock's own (audit hash key, alert channel and registry credentials). */
export function isReservedSecretName(name: string): boolean {
  return name.startsWith(RESERVED_PREFIX);
}

/**
 * secrets.json content for an agent in an environment. `jwtSecret` and `controlToken` are not in
 * the vault's agent secrets: the caller passes the ones the deployment already has.
 */
export async function resolveRuntimeSecrets(
  vault: Vault,
  input: { agentId: string; environment: Environment; actor: string; jwtSecret?: string; controlToken?: string },
): Promise<SecretsFile> {
  const all = await vault.resolveForRuntime(input.agentId, input.environment, { actor: input.actor });
  let auditHashKey = all[AUDIT_KEY_SECRET];
  if (!auditHashKey) {
    auditHashKey = randomBytes(32).toString('hex');
    await vault.set(AUDIT_KEY_SECRET, auditHashKey, { environment: input.environment, agentId: input.agentId, actor: 'agentdock', role: 'admin' });
  }
  const env = Object.fromEntries(Object.entries(all).filter(([name]) => !isReservedSecretName(name)));
  const openai = all[PROVIDER_KEY_SECRETS.openai];
  const anthropic = all[PROVIDER_KEY_SECRETS.anthropic];
  return {
    env,
    auditHashKey,
    ...(input.jwtSecret ? { jwtSecret: input.jwtSecret } : {}),
    ...(input.controlToken ? { controlToken: input.controlToken } : {}),
    providerKeys: { ...(openai ? { openai } : {}), ...(anthropic ? { anthropic } : {}) },
  };
}
