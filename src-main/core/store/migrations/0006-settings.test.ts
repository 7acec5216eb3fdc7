// Migration 6 adds the settings and container-registry tables to a version-5 database without
// touching what is there, and its CHECKs refuse rows the code would never write.
import { afterEach, describe, expect, it } from 'vitest';
import { AuditRepository } from '../audit-repository';
import { MIGRATIONS } from '../migrations';
import { RegistriesRepository } from '../registries-repository';
import { SettingsRepository } from '../settings-repository';
import { tempDatabase } from '../test-support';
import type { TempDatabase } from '../test-support';

const temps: TempDatabase[] = [];
afterEach(() => {
  for (const temp of temps.splice(0)) temp.cleanup();
});

const NOW = '2030-01-02T03:04:05.678Z';

describe('migration 6 (settings)', () => {
  it('adds empty settings and registry tables to a version-5 database and keeps its rows', () => {
    const old = tempDatabase({ migrations: MIGRATIONS.slice(0, 5) });
    temps.push(old);
    expect(old.db.schemaVersion()).toBe(5);
    new AuditRepository(old.db).record({ actor: 'ann', role: 'admin', action: 'deploy:create', target: 'agent:a', success: true });

    const migrated = old.reopen({ migrations: MIGRATIONS.slice(0, 6) });
    expect(migrated.schemaVersion()).toBe(6);
    expect(new AuditRepository(migrated).list().map((entry) => entry.action)).toEqual(['deploy:create']);
    expect(new SettingsRepository(migrated).all().size).toBe(0);
    expect(new RegistriesRepository(migrated).list()).toEqual([]);

    new SettingsRepository(migrated).write(new Map([['retention.auditDays', 90]]), 'ann');
    expect(new SettingsRepository(migrated).all().get('retention.auditDays')).toMatchObject({ value: 90, updatedBy: 'ann' });
  });

  it('has no column a password or token could be written to', () => {
    const temp = tempDatabase();
    temps.push(temp);
    const columns = (table: string): string[] => (temp.db.sql.prepare(`SELECT name FROM pragma_table_info('${table}')`).all() as { name: string }[]).map((row) => row.name);
    expect(columns('settings')).toEqual(['key', 'value_json', 'updated_by', 'updated_at']);
    expect(columns('container_registries')).toEqual(['id', 'url', 'username', 'has_password', 'created_by', 'created_at', 'updated_at']);
  });

  it('refuses rows the code never writes', () => {
    const temp = tempDatabase();
    temps.push(temp);
    const setting = (key: string, value: string, at = NOW) => () => temp.db.sql.prepare('INSERT INTO settings (key, value_json, updated_by, updated_at) VALUES (?, ?, ?, ?)').run(key, value, 'ann', at);
    expect(setting('retention.auditDays', 'not json')).toThrow(/CHECK/);
    expect(setting('retention audit', '1')).toThrow(/CHECK/);
    expect(setting('retention.auditDays', '1', '2030-01-02 03:04:05')).toThrow(/CHECK/);
    setting('retention.auditDays', '1')();

    const registry = (url: string, hasPassword: number) => () =>
      temp.db.sql.prepare('INSERT INTO container_registries (url, username, has_password, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)').run(url, null, hasPassword, 'ann', NOW, NOW);
    expect(registry('Registry.Example.com', 0)).toThrow(/CHECK/);
    expect(registry('registry.example.com', 2)).toThrow(/CHECK/);
    expect(registry('registry example', 0)).toThrow(/CHECK/);
    registry('registry.example.com:5000/team', 1)();
    expect(registry('registry.example.com:5000/team', 0)).toThrow(/UNIQUE/);
  });
});
