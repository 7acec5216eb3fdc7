/**
 * Handlers for API keys and secrets. Every change is audited with the console user as actor and
 * reaches the agent's running replicas at once (keys.json / secrets.json rewritten, then reload:
 * no restart). Key hashes never leave main; a raw key is in the create answer only; a secret's
 * plaintext only in `secrets:reveal`, for admins, audited by the vault.
 */
import type { ApiKeyRow, SecretRow } from '../../../src-shared/ipc/console-types';
import type { ControlPlane } from '../control-plane';
import { CoreError } from '../contracts';
import type { ApiKey } from '../store';
import type { SecretInfo } from '../vault';
import { isReservedSecretName } from '../controller/runtime-secrets';
import { agentRoles } from './agent-roles';
import { ConsoleHandlerError } from './console-session';
import type { ConsoleHandlers } from './handler-types';

type Handlers = ConsoleHandlers['requests'];

/** The secrets view manages the agent's secrets; AgentDock's own are changed where they belong. */
function refuseReserved(name: string): void {
  if (isReservedSecretName(name)) {
    throw new ConsoleHandlerError('E3001', `${name} is AgentDock's own (names starting AGENTDOCK_ hold the audit hash key and alert channel and registry credentials): change those in Settings, and pick another name for an agent secret.`);
  }
}

export function accessHandlers(plane: ControlPlane): Pick<Handlers, 'keys:list' | 'keys:create' | 'keys:rotate' | 'keys:revoke' | 'secrets:list' | 'secrets:set' | 'secrets:reveal' | 'secrets:delete'> {
  const repos = plane.repositories;
  const agentId = (name: string | undefined): string | undefined => (name === undefined ? undefined : repos.agents.require(name).id);
  const agentNames = (): Map<string, string> => new Map(repos.agents.list({ includeDeleted: true }).map((agent) => [agent.id, agent.name]));
  const toSecretRow = (info: SecretInfo, names: Map<string, string>): SecretRow => ({
    name: info.name,
    environment: info.environment,
    agent: info.agentId ? (names.get(info.agentId) ?? info.agentId) : null,
    masked: info.masked,
    createdBy: info.createdBy,
    updatedAt: info.updatedAt,
    unreadable: info.unreadable === true,
  });
  const rollout = (what: 'keys' | 'secrets', scope: { agentId?: string }, actor: string) => plane.operations().rolloutConfig(what, scope, { actor, role: 'admin' });

  return {
    'keys:list': async ({ agent }) => repos.apiKeys.list(repos.agents.require(agent).id, { includeRevoked: true }).map(toKeyRow),

    'keys:create': async ({ agent: name, role, label, expiresInDays }, { principal }) => {
      const agent = repos.agents.require(name);
      const roles = agentRoles(repos, agent.id).map((entry) => entry.name);
      if (!roles.includes(role)) throw new ConsoleHandlerError('E3001', `${agent.name} has no role "${role}": its runtime would refuse the key (403). Use one of ${roles.join(', ')}, or add the role to auth.roles in its Dockfile.`);
      const expiresAt = expiresInDays ? new Date(Date.now() + expiresInDays * 86_400_000).toISOString() : undefined;
      const { key, raw } = repos.apiKeys.create({ agentId: agent.id, role, createdBy: principal.user, ...(label ? { label } : {}), ...(expiresAt ? { expiresAt } : {}) });
      repos.audit.record({ actor: principal.user, role: principal.role, action: 'key:create', target: `agent:${agent.name}`, success: true, details: { keyId: key.id, role: key.role, via: 'console' } });
      await rollout('keys', { agentId: agent.id }, principal.user);
      return { key: toKeyRow(key), raw };
    },

    'keys:rotate': async ({ id, graceMinutes }, { principal }) => {
      const { key, raw, previous } = repos.apiKeys.rotate(id, { createdBy: principal.user, graceSeconds: (graceMinutes ?? 0) * 60 });
      repos.audit.record({ actor: principal.user, role: principal.role, action: 'key:rotate', target: `key:${previous.id}`, success: true, details: { newKeyId: key.id, graceMinutes: graceMinutes ?? 0, via: 'console' } });
      await rollout('keys', { agentId: key.agentId }, principal.user);
      return { key: toKeyRow(key), raw, previous: toKeyRow(previous) };
    },

    'keys:revoke': async ({ id }, { principal }) => {
      const key = repos.apiKeys.revoke(id);
      repos.audit.record({ actor: principal.user, role: principal.role, action: 'key:revoke', target: `key:${key.id}`, success: true, details: { via: 'console' } });
      await rollout('keys', { agentId: key.agentId }, principal.user);
      return toKeyRow(key);
    },

    'secrets:list': async ({ environment }, { principal }) => {
      const names = agentNames();
      // Listing is masked for everybody; the vault's viewer role is the masked one.
      const secrets = await plane.vault().list({ actor: principal.user, role: 'viewer', ...(environment ? { environment } : {}) });
      // AgentDock's own credentials (audit hash key, alert channels, registries) have their own views.
      return secrets.filter((info) => !isReservedSecretName(info.name)).map((info) => toSecretRow(info, names));
    },

    'secrets:set': async ({ name, value, environment, agent, rotate }, { principal }) => {
      refuseReserved(name);
      const scope = { environment, actor: principal.user, role: 'admin' as const, ...(agent ? { agentId: agentId(agent)! } : {}) };
      const vault = plane.vault();
      const info = rotate ? await vault.rotate(name, value, scope) : (await vault.set(name, value, scope)).secret;
      await rollout('secrets', agent ? { agentId: agentId(agent)! } : {}, principal.user);
      return toSecretRow(info, agentNames());
    },

    'secrets:reveal': async ({ name, environment, agent }, { principal }) => {
      refuseReserved(name);
      const read = await plane.vault().get(name, { environment, actor: principal.user, role: 'admin', ...(agent ? { agentId: agentId(agent)! } : {}) });
      if (typeof read.value !== 'string') throw new CoreError('E2031', `${name} (${environment}) has no readable value; set it again.`);
      return { value: read.value };
    },

    'secrets:delete': async ({ name, environment, agent }, { principal }) => {
      refuseReserved(name);
      const info = await plane.vault().delete(name, { environment, actor: principal.user, role: 'admin', ...(agent ? { agentId: agentId(agent)! } : {}) });
      await rollout('secrets', agent ? { agentId: agentId(agent)! } : {}, principal.user);
      return toSecretRow(info, agentNames());
    },
  };
}

function toKeyRow(key: ApiKey): ApiKeyRow {
  return {
    id: key.id,
    prefix: key.prefix,
    role: key.role,
    label: key.label ?? null,
    createdBy: key.createdBy,
    createdAt: key.createdAt,
    lastUsedAt: key.lastUsedAt ?? null,
    expiresAt: key.expiresAt ?? null,
    revokedAt: key.revokedAt ?? null,
  };
}
