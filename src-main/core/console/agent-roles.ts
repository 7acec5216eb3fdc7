/**
 * The roles an agent's API keys can carry: its Dockfile's `auth.roles`, or the runtime's default
 * table when it declares none — read from the version that serves (else the newest). The console
 * offers these when creating a key and refuses any other, so a key never gets a role its runtime
 * would answer 403 to.
 */
import { DEFAULT_ROLES } from '../../../src-shared/dockfile/schema';
import type { AgentRole } from '../../../src-shared/ipc/console-types';
import type { Repositories } from '../store';

export function agentRoles(repos: Repositories, agentId: string): AgentRole[] {
  const serving = repos.deployments.list({ agentId, states: ['active', 'stopped'], limit: 1 })[0];
  const version = serving ? repos.versions.get(serving.versionId) : repos.versions.latest(agentId);
  const declared = version ? (JSON.parse(version.specJson) as { auth?: { roles?: { name: string; permissions: string[] }[] } }).auth?.roles : undefined;
  if (declared && declared.length > 0) return declared.map((role) => ({ name: role.name, permissions: [...role.permissions] }));
  return Object.entries(DEFAULT_ROLES).map(([name, permissions]) => ({ name, permissions: [...permissions] }));
}
