/**
 * The AgentDock database: one SQLite file (ARCHITECTURE.md §4) opened through better-sqlite3.
 *
 * Pragmas, and why:
 * - `journal_mode=WAL`: readers (the console's panels) never block the writer (telemetry ingest,
 *   deploys), and a commit is one append to the -wal file.
 * - `synchronous=NORMAL` (default) vs FULL: in WAL mode both are crash-safe for the process — a
 *   kill -9 at any moment loses nothing that was committed and never leaves a half-written
 *   transaction, because committed frames are already in the OS page cache. They differ only on
 *   power loss or an OS crash: NORMAL fsyncs at checkpoints, not at every commit, so the last
 *   transactions before the power cut may roll back (the database stays consistent); FULL fsyncs
 *   the WAL on every commit and keeps them, at a few milliseconds per commit on ordinary disks —
 *   which telemetry ingest and audit rows would pay constantly. Pass `synchronous: 'FULL'` where
 *   that trade is wrong.
 * - `foreign_keys=ON`: off by default in SQLite, per connection.
 * - `busy_timeout`: the app, serve mode and CLI commands share the file; a writer waits for
 *   another's transaction instead of failing with SQLITE_BUSY at once.
 * - `journal_size_limit`: a burst of telemetry does not leave a huge -wal file behind.
 */
import { closeSync, openSync } from 'node:fs';
import Database from 'better-sqlite3';
import type BetterSqlite3 from 'better-sqlite3';
import { CoreError } from '../contracts';
import { systemClock, toIso } from './clock';
import type { Clock } from './clock';
import { currentVersion, migrate, MIGRATIONS } from './migrations';
import type { Migration } from './migrations';

export interface OpenDatabaseOptions {
  clock?: Clock;
  /** See the file comment: NORMAL (default) survives process crashes, FULL also power loss. */
  synchronous?: 'NORMAL' | 'FULL';
  /** How long a writer waits for another connection's transaction; default 5000 ms. */
  busyTimeoutMs?: number;
  /** The migrations to run; tests pass their own list, everything else uses the default. */
  migrations?: readonly Migration[];
}

/** An open, migrated database and the clock every repository stamps rows with. */
export class StoreDatabase {
  constructor(
    /** The better-sqlite3 connection, for repositories in this folder. */
    readonly sql: BetterSqlite3.Database,
    readonly file: string,
    readonly clock: Clock,
  ) {}

  /** The clock's time as an ISO timestamp (the database's one format). */
  now(): string {
    return toIso(this.clock());
  }

  /**
   * Runs `fn` in a write transaction (BEGIN IMMEDIATE: the write lock is taken up front, so a
   * read-then-write cannot fail half-way with SQLITE_BUSY). Nested calls become savepoints.
   */
  write<T>(fn: () => T): T {
    return this.sql.transaction(fn).immediate();
  }

  /** Runs `fn` on one consistent snapshot. */
  read<T>(fn: () => T): T {
    return this.sql.transaction(fn).deferred();
  }

  /** The applied schema version. */
  schemaVersion(): number {
    return currentVersion(this.sql);
  }

  /** Copies the WAL into the main file and truncates it (tests, backups, before a file copy). */
  checkpoint(): void {
    this.sql.pragma('wal_checkpoint(TRUNCATE)');
  }

  /** `PRAGMA integrity_check` and `foreign_key_check`; `ok` when both find nothing. */
  checkIntegrity(): { ok: boolean; problems: string[] } {
    const integrity = (this.sql.pragma('integrity_check') as { integrity_check: string }[]).map((row) => row.integrity_check);
    const foreignKeys = (this.sql.pragma('foreign_key_check') as { table: string; rowid: number; parent: string }[]).map(
      (row) => `${row.table} row ${row.rowid} refers to a missing ${row.parent} row`,
    );
    const problems = [...integrity.filter((line) => line !== 'ok'), ...foreignKeys];
    return { ok: problems.length === 0, problems };
  }

  /** Closes the connection, first letting SQLite refresh its query-planner statistics (as its docs advise). */
  close(): void {
    if (!this.sql.open) return;
    try {
      this.sql.pragma('optimize');
    } catch {
      // Statistics are an optimisation; closing must not fail because of them.
    }
    this.sql.close();
  }
}

/**
 * Opens (creating if needed) the database at `file` (or `':memory:'`), sets the pragmas and runs
 * pending migrations. A new file is created readable by its owner only (0600): it holds key
 * hashes, encrypted secrets and the audit log. SQLite gives the -wal and -shm files the same mode.
 */
export function openDatabase(file: string, options: OpenDatabaseOptions = {}): StoreDatabase {
  const clock = options.clock ?? systemClock;
  if (file !== ':memory:') createPrivateFile(file);
  let sql: BetterSqlite3.Database | undefined;
  try {
    sql = new Database(file);
    sql.pragma('journal_mode = WAL');
    sql.pragma(`synchronous = ${options.synchronous === 'FULL' ? 'FULL' : 'NORMAL'}`);
    sql.pragma('foreign_keys = ON');
    sql.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? 5000))}`);
    sql.pragma('journal_size_limit = 67108864');
    migrate(sql, toIso(clock()), options.migrations ?? MIGRATIONS);
    return new StoreDatabase(sql, file, clock);
  } catch (error) {
    sql?.close();
    throw toOpenError(error, file);
  }
}

function createPrivateFile(file: string): void {
  try {
    closeSync(openSync(file, 'wx', 0o600));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw toOpenError(error, file);
  }
}

function toOpenError(error: unknown, file: string): unknown {
  if (error instanceof CoreError) return error;
  const code = (error as { code?: unknown }).code;
  if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT') {
    return new CoreError('E2050', `${file} is not an AgentDock database or is damaged (${String(code)}). Restore it from a backup, or point AGENTDOCK_HOME at another directory.`, { file, code });
  }
  if (code === 'SQLITE_CANTOPEN' || code === 'EACCES' || code === 'ENOENT' || code === 'EROFS') {
    return new CoreError('E2050', `Cannot open the database ${file} (${String(code)}): check that its directory exists and is writable by this user, or set AGENTDOCK_HOME.`, { file, code });
  }
  return error;
}
