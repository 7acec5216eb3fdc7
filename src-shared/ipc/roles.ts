/**
 * Who may do what in the console (seed 004 §5.8.5): the least role of every request and stream,
 * and the ranking. A module of its own, free of zod, so the renderer can hide what a role may not
 * use without loading the contract's schemas; contract.ts takes each definition's role from here
 * and main enforces it (ConsoleSession).
 */
import type { ConsoleRole } from './console-types';

export const REQUEST_ROLES = {
  'app:info': 'viewer',
  'environment:detect': 'viewer',
  'agents:list': 'viewer',
  'agents:get': 'viewer',
  'agents:lifecycle': 'developer',
  'agents:invoke': 'developer',
  'versions:dockfile': 'viewer',
  'metrics:agent': 'viewer',
  'policies:get': 'viewer',
  'agents:openapi': 'viewer',
  'dockfile:validate': 'viewer',
  'project:open': 'developer',
  'project:save': 'developer',
  'project:init': 'developer',
  'deploy:create': 'developer',
  'deploy:rollback': 'developer',
  'demo:run': 'developer',
  'demo:control': 'developer',
  'keys:list': 'admin',
  'keys:create': 'admin',
  'keys:revoke': 'admin',
  'keys:rotate': 'admin',
  'secrets:list': 'viewer',
  'secrets:set': 'admin',
  'secrets:reveal': 'admin',
  'secrets:delete': 'admin',
  'targets:status': 'viewer',
  'targets:test': 'developer',
  'kube:namespaces': 'developer',
  'settings:get': 'viewer',
  'settings:update': 'admin',
  'registries:add': 'admin',
  'registries:update': 'admin',
  'registries:remove': 'admin',
  'alerts:channels:list': 'viewer',
  'alerts:channels:add': 'admin',
  'alerts:channels:update': 'admin',
  'alerts:channels:remove': 'admin',
  'alerts:channels:test': 'admin',
  'audit:list': 'viewer',
  'control:snapshot': 'viewer',
  'notifications:list': 'viewer',
  'notifications:dismiss': 'developer',
  'budget:raise': 'admin',
} as const satisfies Record<string, ConsoleRole>;

export const STREAM_ROLES = {
  'fleet:changes': 'viewer',
  'telemetry:events': 'viewer',
  'logs:tail': 'developer',
  'agents:invoke-stream': 'developer',
  'notifications:changes': 'viewer',
} as const satisfies Record<string, ConsoleRole>;

/** `agents:lifecycle` with `delete` needs more than the other actions. */
export const LIFECYCLE_DELETE_ROLE: ConsoleRole = 'admin';

const RANK: Record<ConsoleRole, number> = { viewer: 0, developer: 1, admin: 2 };

/** Whether `role` may use something that needs `required`. */
export function roleAllows(role: ConsoleRole, required: ConsoleRole): boolean {
  return RANK[role] >= RANK[required];
}
