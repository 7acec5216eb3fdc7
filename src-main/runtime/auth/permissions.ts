/**
 * Roles → permissions, and the permission each runtime endpoint requires (seed 004 §5.3.4).
 *
 * Decisions:
 * - Roles come from `auth.roles` when the Dockfile has it, otherwise DEFAULT_ROLES. A Dockfile that
 *   defines roles defines all of them: the defaults are not merged in.
 * - `read_only` (the PRD's §5.2.7 example gives it to `viewer`) stands for view_metrics + read_docs.
 * - `/events` (the console's live stream: runs, policy actions, LLM calls) requires `read_logs`,
 *   the permission §5.3.4 gives to people who read what the agent did. By default admin and
 *   developer have it; a Dockfile that wants the stream admin-only leaves it off developer.
 * - `/schema`, `/openapi.json` and `/docs` are public, as seed 004 §5.6.9 has `/schema`: they
 *   describe the API surface (no data), and a browser opening `/docs` cannot send credentials
 *   for the page or the spec it loads. `read_docs` remains for callers that grant it explicitly.
 */
import { DEFAULT_ROLES } from '../../../src-shared/dockfile/schema';
import type { AuthConfig } from '../../../src-shared/dockfile/types';
import type { Permission } from '../contracts';

/** Role name → what it may do. */
export type RoleTable = ReadonlyMap<string, ReadonlySet<Permission>>;

/** What the shorthand `read_only` grants. */
export const READ_ONLY_PERMISSIONS: readonly Permission[] = ['view_metrics', 'read_docs'];

/** Endpoint path → required permission; null means public. Paths not listed are not routes. */
export const ENDPOINT_PERMISSIONS: Readonly<Record<string, Permission | null>> = Object.freeze({
  '/health': null,
  '/ready': null,
  '/invoke': 'invoke',
  '/stream': 'invoke',
  '/ws/stream': 'invoke',
  '/metrics': 'view_metrics',
  '/docs': null,
  '/openapi.json': null,
  '/schema': null,
  '/events': 'read_logs',
  '/rollback': 'rollback',
});

/** A role's permission list as a set, with `read_only` expanded. */
export function expandPermissions(permissions: readonly string[]): ReadonlySet<Permission> {
  const expanded = new Set<Permission>();
  for (const permission of permissions) {
    expanded.add(permission);
    if (permission === 'read_only') for (const implied of READ_ONLY_PERMISSIONS) expanded.add(implied);
  }
  return expanded;
}

/** The role table of a spec: `auth.roles`, or DEFAULT_ROLES when the Dockfile has none. */
export function resolveRoles(roles: AuthConfig['roles']): RoleTable {
  const source: readonly { name: string; permissions: readonly string[] }[] =
    roles ?? Object.entries(DEFAULT_ROLES).map(([name, permissions]) => ({ name, permissions }));
  return new Map(source.map((role) => [role.name, expandPermissions(role.permissions)]));
}

/** The permission a path requires: a Permission, null when public, undefined when no such route. */
export function requiredPermission(pathname: string): Permission | null | undefined {
  if (Object.hasOwn(ENDPOINT_PERMISSIONS, pathname)) return ENDPOINT_PERMISSIONS[pathname];
  // One plain file name only, so `/docs/..%2f…` can never make a protected route public.
  if (/^\/docs\/[A-Za-z0-9][A-Za-z0-9._-]*$/.test(pathname)) return null;
  return undefined;
}
