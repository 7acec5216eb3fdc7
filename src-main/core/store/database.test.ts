// The database file itself: pragmas, permissions, migrations and refusing a newer schema.
import { existsSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CoreError } from '../contracts';
import { openDatabase } from './database';
import { MIGRATIONS, SCHEMA_VERSION } from './migrations';
import { tempDatabase } from './test-support';
import type { TempDatabase } from './test-support';

let temp: TempDatabase | undefined;
afterEach(() => {
  temp?.cleanup();
  temp = undefined;
});

const tables = (db: { sql: { prepare(sql: string): { all(): unknown[] } } }): string[] =>
  (db.sql.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map((row) => row.name);

describe('openDatabase', () => {
  it('sets WAL, foreign keys, NORMAL sync and a busy timeout', () => {
    temp = tempDatabase();
    const { sql } = temp.db;
    expect(sql.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(sql.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(sql.pragma('synchronous', { simple: true })).toBe(1);
    expect(sql.pragma('busy_timeout', { simple: true })).toBe(5000);
    const full = temp.reopen({ synchronous: 'FULL' });
    expect(full.sql.pragma('synchronous', { simple: true })).toBe(2);
  });

  it('creates the file, its WAL and shared-memory files readable by the owner only', () => {
    temp = tempDatabase();
    temp.db.sql.prepare("INSERT INTO agents (id, name, resource_name, created_at) VALUES ('ag_1', 'a', 'a', ?)").run(temp.db.now());
    for (const suffix of ['', '-wal', '-shm']) {
      expect(statSync(temp.file + suffix).mode & 0o777, suffix || 'db').toBe(0o600);
    }
  });

  it('applies every migration once, and reopening applies nothing', () => {
    temp = tempDatabase();
    expect(temp.db.schemaVersion()).toBe(SCHEMA_VERSION);
    expect(tables(temp.db)).toEqual(
      expect.arrayContaining(['agents', 'agent_versions', 'deployments', 'api_keys', 'secrets', 'vault_meta', 'audit_log', 'secret_audit_log', 'telemetry_events', 'telemetry_rollups', 'idempotency_keys', 'schema_migrations']),
    );
    const before = tables(temp.db);
    const again = temp.reopen();
    expect(again.schemaVersion()).toBe(SCHEMA_VERSION);
    expect(tables(again)).toEqual(before);
    const rows = again.sql.prepare('SELECT version, name FROM schema_migrations').all();
    expect(rows).toEqual(MIGRATIONS.map((migration) => ({ version: migration.version, name: migration.name })));
  });

  it('runs each migration in a transaction: a failing one leaves no trace and the previous version intact', () => {
    temp = tempDatabase();
    temp.db.close();
    const broken = [...MIGRATIONS, { version: MIGRATIONS.length + 1, name: 'broken', sql: 'CREATE TABLE half_done (a TEXT); INSERT INTO no_such_table VALUES (1);' }];
    expect(() => openDatabase(temp!.file, { migrations: broken })).toThrow(/no_such_table/);
    const reopened = temp.reopen();
    expect(reopened.schemaVersion()).toBe(SCHEMA_VERSION);
    expect(tables(reopened)).not.toContain('half_done');
  });

  it('refuses a database whose schema is newer than the code, without changing it', () => {
    temp = tempDatabase();
    temp.db.sql.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, 'from-the-future', ?)").run(SCHEMA_VERSION + 1, temp.db.now());
    temp.db.close();
    let caught: unknown;
    try {
      openDatabase(temp.file);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(CoreError);
    expect((caught as CoreError).code).toBe('E2050');
    expect((caught as CoreError).message).toContain(`version ${SCHEMA_VERSION + 1}, newer than this AgentDock understands (${SCHEMA_VERSION})`);
    expect((caught as CoreError).message).toContain('upgrade AgentDock');
    const check = temp.reopen({ migrations: [...MIGRATIONS, { version: SCHEMA_VERSION + 1, name: 'from-the-future', sql: '' }] });
    expect(check.schemaVersion()).toBe(SCHEMA_VERSION + 1);
  });

  it('says clearly when the file is not a database', () => {
    temp = tempDatabase();
    const junk = path.join(temp.dir, 'junk.db');
    writeFileSync(junk, 'this is not sqlite, just text that is long enough to fill a header page '.repeat(10));
    expect(() => openDatabase(junk)).toThrow(expect.objectContaining({ code: 'E2050', message: expect.stringContaining('is not an AgentDock database') }));
  });

  it('says clearly when the directory does not exist', () => {
    temp = tempDatabase();
    const missing = path.join(temp.dir, 'missing', 'agentdock.db');
    expect(() => openDatabase(missing)).toThrow(expect.objectContaining({ code: 'E2050', message: expect.stringContaining('AGENTDOCK_HOME') }));
    expect(existsSync(missing)).toBe(false);
  });

  it('works in memory', () => {
    const db = openDatabase(':memory:');
    expect(db.schemaVersion()).toBe(SCHEMA_VERSION);
    expect(db.checkIntegrity()).toEqual({ ok: true, problems: [] });
    db.close();
  });
});
