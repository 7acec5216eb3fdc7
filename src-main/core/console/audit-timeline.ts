/**
 * The Audit log view's one timeline over two append-only logs: the admin audit log (deploys,
 * lifecycle, keys, settings…) and the secret audit trail (every vault operation, never a value),
 * newest first, filtered, a page at a time.
 *
 * Paging keeps one id bound per log (`a<id>.s<id>`: only rows below it): a page is the newest
 * `limit` rows of the merge, and the next cursor is, for each log, the oldest id the page took
 * from it. Rows written while someone reads never shift a page, and no row is skipped or shown
 * twice, whatever the two logs' clocks did.
 */
import type { AuditPage, AuditRow } from '../../../src-shared/ipc/admin-types';
import type { Repositories } from '../store';
import type { AuditEntry } from '../store/audit-repository';
import type { SecretAuditEntry, SecretOperation } from '../store/secret-audit-repository';
import { ConsoleHandlerError } from './console-session';

export interface AuditTimelineFilter {
  actor?: string;
  /** Exact action, or a prefix ending in `*`. */
  action?: string;
  agent?: string;
  /** ISO-8601, inclusive. */
  from?: string;
  /** ISO-8601, exclusive. */
  to?: string;
  text?: string;
  limit?: number;
  before?: string;
}

const OPERATIONS: readonly SecretOperation[] = ['CREATE', 'READ', 'UPDATE', 'DELETE', 'RESTORE', 'LIST', 'RESOLVE', 'UNLOCK', 'ROTATE_MASTER_KEY'];
const DEFAULT_LIMIT = 100;

/** `READ` → `secret:read`, `ROTATE_MASTER_KEY` → `secret:rotate-master-key`. */
export function secretAction(operation: SecretOperation): string {
  return `secret:${operation.toLowerCase().replace(/_/g, '-')}`;
}

interface Cursor {
  admin?: number;
  secret?: number;
}

/** One page of the merged timeline. */
export function auditPage(repositories: Pick<Repositories, 'audit' | 'secretAudit' | 'agents'>, filter: AuditTimelineFilter): AuditPage {
  const limit = filter.limit ?? DEFAULT_LIMIT;
  const cursor = parseCursor(filter.before);
  const window = { ...(filter.from ? { from: isoUtc(filter.from) } : {}), ...(filter.to ? { to: isoUtc(filter.to) } : {}), limit: limit + 1 };
  const agents = repositories.agents.list({ includeDeleted: true });
  const agentNames = new Map(agents.map((agent) => [agent.id, agent.name]));

  const admin: AuditRow[] = repositories.audit
    .list({
      ...window,
      ...(filter.actor !== undefined ? { actor: filter.actor } : {}),
      ...(filter.action !== undefined ? { action: filter.action } : {}),
      ...(filter.agent !== undefined ? { target: `agent:${filter.agent}` } : {}),
      ...(filter.text !== undefined ? { text: filter.text } : {}),
      ...(cursor.admin !== undefined ? { beforeId: cursor.admin } : {}),
    })
    .map(fromAdmin);

  const operations = filter.action === undefined ? OPERATIONS : OPERATIONS.filter((operation) => actionMatches(secretAction(operation), filter.action!));
  const agentIds = filter.agent === undefined ? undefined : agents.filter((agent) => agent.name === filter.agent).map((agent) => agent.id);
  // An agent the store never knew has no secret rows; an action no secret operation has, neither.
  const secretsApply = operations.length > 0 && (agentIds === undefined || agentIds.length > 0);
  const secret: AuditRow[] = secretsApply
    ? repositories.secretAudit
        .list({
          ...window,
          ...(operations.length < OPERATIONS.length ? { operations } : {}),
          ...(agentIds !== undefined ? { agentId: agentIds[0]! } : {}),
          ...(filter.actor !== undefined ? { actor: filter.actor } : {}),
          ...(filter.text !== undefined ? { text: filter.text } : {}),
          ...(cursor.secret !== undefined ? { beforeId: cursor.secret } : {}),
        })
        .map((entry) => fromSecret(entry, agentNames))
    : [];

  const entries = mergeNewestFirst(admin, secret, limit);
  if (admin.length + secret.length <= limit) return { entries, nextCursor: null };
  const next: Cursor = { ...cursor };
  for (const entry of entries) {
    const id = idOf(entry);
    if (entry.source === 'admin') next.admin = Math.min(next.admin ?? Infinity, id);
    else next.secret = Math.min(next.secret ?? Infinity, id);
  }
  return { entries, nextCursor: formatCursor(next) };
}

function fromAdmin(entry: AuditEntry): AuditRow {
  return {
    key: `a:${entry.id}`,
    source: 'admin',
    time: entry.createdAt,
    actor: entry.actor,
    role: entry.role,
    action: entry.action,
    target: entry.target,
    success: entry.success,
    error: entry.error ?? null,
    details: entry.details ?? null,
  };
}

function fromSecret(entry: SecretAuditEntry, agentNames: Map<string, string>): AuditRow {
  const details: Record<string, unknown> = {
    ...(entry.environment ? { environment: entry.environment } : {}),
    ...(entry.agentId ? { agent: agentNames.get(entry.agentId) ?? entry.agentId } : {}),
    ...(entry.secretId ? { secretId: entry.secretId } : {}),
  };
  return {
    key: `s:${entry.id}`,
    source: 'secret',
    time: entry.createdAt,
    actor: entry.actor,
    role: entry.requesterRole,
    action: secretAction(entry.operation),
    target: entry.secretName ? `secret:${entry.secretName}` : entry.operation === 'LIST' ? 'secrets' : 'vault',
    success: entry.success,
    error: entry.errorMessage ?? null,
    details: Object.keys(details).length > 0 ? details : null,
  };
}

function actionMatches(action: string, pattern: string): boolean {
  return pattern.endsWith('*') ? action.startsWith(pattern.slice(0, -1)) : action === pattern;
}

const idOf = (row: AuditRow): number => Number(row.key.slice(2));

/**
 * The first `limit` rows of two id-descending lists, newer head first (the admin row on a tie).
 * A merge, not a sort: what it takes from each list is a prefix of that list, which is what makes
 * one id bound per log a correct cursor.
 */
function mergeNewestFirst(admin: readonly AuditRow[], secret: readonly AuditRow[], limit: number): AuditRow[] {
  const out: AuditRow[] = [];
  let a = 0;
  let s = 0;
  while (out.length < limit && (a < admin.length || s < secret.length)) {
    const takeAdmin = s >= secret.length || (a < admin.length && admin[a]!.time >= secret[s]!.time);
    out.push(takeAdmin ? admin[a++]! : secret[s++]!);
  }
  return out;
}

function formatCursor(cursor: Cursor): string {
  return [cursor.admin !== undefined ? `a${cursor.admin}` : '', cursor.secret !== undefined ? `s${cursor.secret}` : ''].filter(Boolean).join('.');
}

function parseCursor(text: string | undefined): Cursor {
  if (text === undefined) return {};
  const match = /^(?:a(\d{1,15}))?(?:\.?s(\d{1,15}))?$/.exec(text);
  if (!match || (match[1] === undefined && match[2] === undefined)) throw new ConsoleHandlerError('E3001', `audit:list: before: "${text}" is not a cursor; pass the nextCursor of the previous page.`, { issues: ['before: not a cursor'] });
  return { ...(match[1] !== undefined ? { admin: Number(match[1]) } : {}), ...(match[2] !== undefined ? { secret: Number(match[2]) } : {}) };
}

/** The stored format (UTC, milliseconds), so a time with an offset compares correctly with the rows. */
function isoUtc(time: string): string {
  return new Date(time).toISOString();
}
