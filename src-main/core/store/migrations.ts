/**
 * Numbered schema migrations. Each runs once, in its own write transaction together with its
 * `schema_migrations` row, so a crash mid-migration leaves the previous version intact and the
 * next open simply runs it again. A database migrated by a newer AgentDock is refused rather
 * than written by code that does not understand its schema.
 */
import type BetterSqlite3 from 'better-sqlite3';
import { CoreError } from '../contracts';
import { MIGRATION_0001_INITIAL } from './migrations/0001-initial';
import { MIGRATION_0002_ALERTS } from './migrations/0002-alerts';
import { MIGRATION_0003_OPERATION_OWNERS } from './migrations/0003-operation-owners';
import { MIGRATION_0004_HOURLY_ROLLUPS } from './migrations/0004-hourly-rollups';
import { MIGRATION_0005_CONSOLE_ACCESS } from './migrations/0005-console-access';
import { MIGRATION_0006_SETTINGS } from './migrations/0006-settings';
import { MIGRATION_0007_BUDGET_OVERRIDES } from './migrations/0007-budget-overrides';

/** One schema step. Versions are 1, 2, 3… without gaps; a released migration is never edited. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** Every migration this code knows, in order. */
export const MIGRATIONS: readonly Migration[] = Object.freeze([
  { version: 1, name: 'initial', sql: MIGRATION_0001_INITIAL },
  { version: 2, name: 'alerts', sql: MIGRATION_0002_ALERTS },
  { version: 3, name: 'operation-owners', sql: MIGRATION_0003_OPERATION_OWNERS },
  { version: 4, name: 'hourly-rollups', sql: MIGRATION_0004_HOURLY_ROLLUPS },
  { version: 5, name: 'console-access', sql: MIGRATION_0005_CONSOLE_ACCESS },
  { version: 6, name: 'settings', sql: MIGRATION_0006_SETTINGS },
  { version: 7, name: 'budget-overrides', sql: MIGRATION_0007_BUDGET_OVERRIDES },
]);

/** The schema version this code writes. */
export const SCHEMA_VERSION = MIGRATIONS.length;

const BOOTSTRAP = `CREATE TABLE IF NOT EXISTS schema_migrations (
  version    INTEGER PRIMARY KEY,
  name       TEXT NOT NULL,
  applied_at TEXT NOT NULL
) STRICT`;

/** Applies the pending migrations; returns the versions it applied (empty when up to date). */
export function migrate(sql: BetterSqlite3.Database, now: string, migrations: readonly Migration[] = MIGRATIONS): number[] {
  migrations.forEach((migration, index) => {
    if (migration.version !== index + 1) throw new Error(`migration ${migration.name} has version ${migration.version}, expected ${index + 1}`);
  });
  const known = migrations.length;
  const applied: number[] = [];
  sql.exec(BOOTSTRAP);
  for (const migration of migrations) {
    // IMMEDIATE takes the write lock before reading the version, so two processes opening the
    // same new database at once (the app and a CLI command) cannot both apply a migration.
    sql
      .transaction(() => {
        const current = currentVersion(sql);
        if (current > known) throw newerSchemaError(current, known);
        if (current >= migration.version) return;
        sql.exec(migration.sql);
        sql.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(migration.version, migration.name, now);
        applied.push(migration.version);
      })
      .immediate();
  }
  const current = currentVersion(sql);
  if (current > known) throw newerSchemaError(current, known);
  return applied;
}

/** The highest applied migration (0 for a new database). */
export function currentVersion(sql: BetterSqlite3.Database): number {
  const row = sql.prepare('SELECT max(version) AS version FROM schema_migrations').get() as { version: number | null };
  return row.version ?? 0;
}

function newerSchemaError(found: number, known: number): CoreError {
  return new CoreError(
    'E2050',
    `The database schema is version ${found}, newer than this AgentDock understands (${known}). ` +
      'It was written by a newer AgentDock: upgrade AgentDock, or point AGENTDOCK_HOME at another directory. The database was not changed.',
    { found, known },
  );
}
