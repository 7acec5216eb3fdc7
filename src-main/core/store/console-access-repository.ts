/**
 * Console access tokens: sign-ins to `agentdock serve` for people other than the local user, each
 * with a role (seed 004 §5.8.5). Only the SHA-256 of a token is stored — tokens are 256-bit random,
 * so an unsalted hash is safe and doubles as the lookup index; the raw token exists once, in the
 * return value of `create`, for the caller to show and forget.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { ConsoleRole } from '../../../src-shared/ipc/console-types';
import { CoreError } from '../contracts';
import type { StoreDatabase } from './database';
import { newId } from './ids';

export const CONSOLE_ROLES: readonly ConsoleRole[] = ['admin', 'developer', 'viewer'];

/** A raw console token: 32 random bytes, base64url (43 characters, all valid in a WebSocket subprotocol). */
const CONSOLE_TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/** A fresh raw token (also the serve-mode admin token of the local user). */
export function generateConsoleToken(): string {
  return randomBytes(32).toString('base64url');
}

/** SHA-256 hex of a raw token: what the table stores and looks up. */
export function hashConsoleToken(raw: string): string {
  return createHash('sha256').update(raw, 'utf8').digest('hex');
}

export interface ConsoleAccessToken {
  id: string;
  /** Who it is for; the user the console shows and the audit log records. */
  name: string;
  role: ConsoleRole;
  /** The first 6 characters of the raw token, for people to tell tokens apart. */
  prefix: string;
  createdBy: string;
  createdAt: string;
  revokedAt?: string;
  lastUsedAt?: string;
}

interface ConsoleAccessRow {
  id: string;
  name: string;
  role: ConsoleRole;
  hash: string;
  prefix: string;
  created_by: string;
  created_at: string;
  revoked_at: string | null;
  last_used_at: string | null;
}

const toToken = (row: ConsoleAccessRow): ConsoleAccessToken => ({
  id: row.id,
  name: row.name,
  role: row.role,
  prefix: row.prefix,
  createdBy: row.created_by,
  createdAt: row.created_at,
  ...(row.revoked_at !== null ? { revokedAt: row.revoked_at } : {}),
  ...(row.last_used_at !== null ? { lastUsedAt: row.last_used_at } : {}),
});

/** Issues, lists, looks up and revokes console access tokens. */
export class ConsoleAccessRepository {
  constructor(private readonly db: StoreDatabase) {}

  /** A new token: the stored record and the raw token, which is not kept anywhere. */
  create(input: { name: string; role: ConsoleRole; createdBy: string }): { token: ConsoleAccessToken; raw: string } {
    if (!CONSOLE_ROLES.includes(input.role)) throw new CoreError('E2040', `"${input.role}" is not a console role: use admin, developer or viewer.`, { role: input.role });
    const name = input.name.trim();
    if (name.length === 0 || name.length > 100) throw new CoreError('E2040', 'A console token needs a name of 1 to 100 characters (who it is for).', { name: input.name });
    const raw = generateConsoleToken();
    const row: ConsoleAccessRow = {
      id: newId('cat', this.db.clock),
      name,
      role: input.role,
      hash: hashConsoleToken(raw),
      prefix: raw.slice(0, 6),
      created_by: input.createdBy,
      created_at: this.db.now(),
      revoked_at: null,
      last_used_at: null,
    };
    this.db.sql
      .prepare(
        `INSERT INTO console_access_tokens (id, name, role, hash, prefix, created_by, created_at, revoked_at, last_used_at)
         VALUES (@id, @name, @role, @hash, @prefix, @created_by, @created_at, @revoked_at, @last_used_at)`,
      )
      .run(row);
    return { token: toToken(row), raw };
  }

  get(id: string): ConsoleAccessToken | undefined {
    const row = this.db.sql.prepare('SELECT * FROM console_access_tokens WHERE id = ?').get(id) as ConsoleAccessRow | undefined;
    return row && toToken(row);
  }

  /** Like get, or E2040 saying how to list the tokens. */
  require(id: string): ConsoleAccessToken {
    const token = this.get(id);
    if (!token) throw new CoreError('E2040', `No console token with id ${id}. Run \`agentdock serve token list\` to see them.`, { id });
    return token;
  }

  /** Tokens, newest first; revoked ones only with `includeRevoked`. */
  list(options: { includeRevoked?: boolean } = {}): ConsoleAccessToken[] {
    const rows = this.db.sql
      .prepare(`SELECT * FROM console_access_tokens ${options.includeRevoked ? '' : 'WHERE revoked_at IS NULL'} ORDER BY created_at DESC, id DESC`)
      .all() as ConsoleAccessRow[];
    return rows.map(toToken);
  }

  /** The live (not revoked) token a raw token hashes to; undefined for anything else. */
  findActive(raw: string): ConsoleAccessToken | undefined {
    if (!CONSOLE_TOKEN_PATTERN.test(raw)) return undefined;
    const row = this.db.sql.prepare('SELECT * FROM console_access_tokens WHERE hash = ? AND revoked_at IS NULL').get(hashConsoleToken(raw)) as ConsoleAccessRow | undefined;
    return row && toToken(row);
  }

  /** Whether the token with this id may still be used (serve re-checks open sockets with it). */
  isActive(id: string): boolean {
    return this.db.sql.prepare('SELECT 1 FROM console_access_tokens WHERE id = ? AND revoked_at IS NULL').get(id) !== undefined;
  }

  /** Revokes a token now (idempotent: a revoked token keeps its first revocation time). */
  revoke(id: string): ConsoleAccessToken {
    return this.db.write(() => {
      this.require(id);
      this.db.sql.prepare('UPDATE console_access_tokens SET revoked_at = coalesce(revoked_at, ?) WHERE id = ?').run(this.db.now(), id);
      return this.require(id);
    });
  }

  /** Records a sign-in with the token. */
  markUsed(id: string, at: string = this.db.now()): void {
    this.db.sql.prepare('UPDATE console_access_tokens SET last_used_at = ? WHERE id = ? AND (last_used_at IS NULL OR last_used_at < ?)').run(at, id, at);
  }
}
