/**
 * The secret values interpolated into a version's spec (`${JWT_SECRET}` in the Dockfile): the
 * bundle and the database keep the redacted spec, the vault keeps the values, so a rollback can
 * run the version exactly as it was deployed.
 *
 * They are stored under the build's content hash, before the version row is registered: the row
 * is then the last thing written, and a deploy killed at any moment leaves either no version or a
 * complete one whose secrets are already in the vault. (Versions registered by earlier builds of
 * AgentDock keep theirs under the version number; restore reads that too.)
 */
import type { DockSpec } from '../../../src-shared/dockfile/types';
import { REDACTED } from '../build/spec-secrets';
import type { Environment } from '../store/environments';
import type { AgentVersion } from '../store/versions-repository';
import type { Vault } from '../vault';

const BY_HASH_PREFIX = 'AGENTDOCK_SPEC_SECRETS_H';
const BY_NUMBER_PREFIX = 'AGENTDOCK_SPEC_SECRETS_V';

/** Vault name of the spec secrets of the build with `contentHash`. */
function nameByHash(contentHash: string): string {
  // 32 hex digits (128 bits) keep the name well inside the vault's 128-character limit.
  return `${BY_HASH_PREFIX}${contentHash.slice(0, 32)}`;
}

/** Keeps the interpolated values of `runSpec` that `redacted` hides, under the build's content hash. */
export async function storeSpecSecrets(
  vault: Vault,
  input: { redacted: unknown; runSpec: DockSpec; contentHash: string; agentId: string; environment: Environment; actor: string },
): Promise<void> {
  const secrets = collectRedacted(input.redacted, input.runSpec as unknown, '');
  if (Object.keys(secrets).length === 0) return;
  await vault.set(nameByHash(input.contentHash), JSON.stringify(secrets), { environment: input.environment, agentId: input.agentId, actor: input.actor, role: 'admin' });
}

/** The run spec of `version`: its redacted spec with the stored values put back. */
export async function restoreSpecSecrets(vault: Vault, input: { redacted: DockSpec; version: AgentVersion; environment: Environment; actor: string }): Promise<DockSpec> {
  const all = await vault.resolveForRuntime(input.version.agentId, input.environment, { actor: input.actor });
  const stored = all[nameByHash(input.version.contentHash)] ?? all[`${BY_NUMBER_PREFIX}${input.version.number}`];
  const secrets = stored ? (JSON.parse(stored) as Record<string, string>) : {};
  return fillRedacted(structuredClone(input.redacted), secrets, '') as DockSpec;
}

/** Paths (a.b[0]) whose value is REDACTED in `redacted`, with the real value from `real`. */
function collectRedacted(redacted: unknown, real: unknown, at: string): Record<string, string> {
  if (redacted === REDACTED && typeof real === 'string') return { [at]: real };
  if (redacted === null || typeof redacted !== 'object' || real === null || typeof real !== 'object') return {};
  const out: Record<string, string> = {};
  for (const [key, child] of Object.entries(redacted)) Object.assign(out, collectRedacted(child, (real as Record<string, unknown>)[key], at ? `${at}.${key}` : key));
  return out;
}

function fillRedacted(redacted: unknown, secrets: Record<string, string>, at: string): unknown {
  if (redacted === REDACTED) return secrets[at] ?? redacted;
  if (redacted === null || typeof redacted !== 'object') return redacted;
  for (const [key, child] of Object.entries(redacted)) (redacted as Record<string, unknown>)[key] = fillRedacted(child, secrets, at ? `${at}.${key}` : key);
  return redacted;
}
