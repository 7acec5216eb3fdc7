/**
 * The least role each request needs, as the contract declares it. Copied rather than read from
 * `consoleContract` because that object carries every zod schema, which would put zod into the
 * renderer's start-up chunk for a table of nineteen strings. The Record type makes a new channel
 * fail to compile until it is listed here, and role-requirements.test.ts fails if a role differs.
 */
import type { RequestChannel } from '../../../src-shared/ipc/contract';
import type { ConsoleRole } from '../../../src-shared/ipc/console-types';

export const consoleRoleRequirements: Readonly<Record<RequestChannel, ConsoleRole>> = {
  'app:info': 'viewer',
  'environment:detect': 'viewer',
  'agents:list': 'viewer',
  'agents:get': 'viewer',
  'agents:lifecycle': 'developer',
  'agents:invoke': 'developer',
  'versions:dockfile': 'viewer',
  'dockfile:validate': 'viewer',
  'project:open': 'developer',
  'project:save': 'developer',
  'deploy:create': 'developer',
  'deploy:rollback': 'developer',
  'keys:list': 'admin',
  'keys:create': 'admin',
  'keys:revoke': 'admin',
  'secrets:list': 'viewer',
  'secrets:set': 'admin',
  'secrets:reveal': 'admin',
  'secrets:delete': 'admin',
};

/** `agents:lifecycle` with `delete` needs admin (the contract's summary; main checks it). */
export const LIFECYCLE_DELETE_ROLE: ConsoleRole = 'admin';

const RANK: Record<ConsoleRole, number> = { viewer: 0, developer: 1, admin: 2 };

/** Whether `role` may use something that needs `required` (the contract's roleAllows, without importing zod). */
export function roleAllows(role: ConsoleRole, required: ConsoleRole): boolean {
  return RANK[role] >= RANK[required];
}
