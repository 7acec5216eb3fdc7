/** Which of an agent's roles a new API key is offered first. */
import type { AgentRole } from '../../../../src-shared/ipc/console-types';

/** The least role that may invoke (no deploy, no key management), else any invoker, else the first. */
export function defaultKeyRole(roles: readonly AgentRole[]): string {
  const invokers = roles.filter((role) => role.permissions.includes('invoke'));
  const least = invokers.filter((role) => !role.permissions.includes('key_manage') && !role.permissions.includes('deploy'));
  return (least[0] ?? invokers[0] ?? roles[0])?.name ?? '';
}
