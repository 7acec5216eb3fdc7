// kill -9 at any moment leaves a consistent database: a child process writes versions and audit
// rows (one transaction per pair) and is SIGKILLed at random points, including while it opens
// and migrates a new database; after each kill the database is reopened and checked.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { killWriters, runWriterAndKill } from './crash-test-support';
import { openDatabase } from './database';
import { SCHEMA_VERSION } from './migrations';

const WRITER = path.join(import.meta.dirname, 'testdata', 'crash-writer.ts');

let dir: string | undefined;

afterEach(() => {
  killWriters();
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

/** Starts the writer and SIGKILLs it once `shouldKill(line)` says so; resolves when it is dead. */
function runAndKill(file: string, shouldKill: (line: string) => boolean): Promise<void> {
  return runWriterAndKill(WRITER, file, shouldKill);
}

/** Everything a killed writer must not be able to break. */
function checkDatabase(file: string): number {
  const db = openDatabase(file);
  try {
    expect(db.checkIntegrity()).toEqual({ ok: true, problems: [] });
    expect(db.schemaVersion()).toBe(SCHEMA_VERSION);
    const rows = db.sql.prepare('SELECT version_number, dockfile_yaml, spec_json, content_hash FROM agent_versions ORDER BY version_number').all() as {
      version_number: number;
      dockfile_yaml: string;
      spec_json: string;
      content_hash: string;
    }[];
    rows.forEach((row, index) => {
      // Numbers without gaps, and every snapshot whole: the marker at its start matches the one at its end.
      expect(row.version_number).toBe(index + 1);
      const marker = /^marker: ([0-9a-f]{16})\n/.exec(row.dockfile_yaml)?.[1];
      expect(marker).toBeDefined();
      expect(row.dockfile_yaml.endsWith(`end: ${marker}\n`)).toBe(true);
      expect((JSON.parse(row.spec_json) as { marker: string }).marker).toBe(marker);
      expect(row.content_hash).toMatch(/^[0-9a-f]{64}$/);
    });
    // The version and its audit row were one transaction: both or neither.
    const audited = db.sql.prepare("SELECT count(*) AS n FROM audit_log WHERE action = 'version:create'").get() as { n: number };
    expect(audited.n).toBe(rows.length);
    const orphans = db.sql.prepare("SELECT count(*) AS n FROM audit_log a WHERE action = 'version:create' AND NOT EXISTS (SELECT 1 FROM agent_versions v WHERE 'version:' || v.id = a.target)").get() as { n: number };
    expect(orphans.n).toBe(0);
    return rows.length;
  } finally {
    db.close();
  }
}

describe('crash consistency', () => {
  it('survives SIGKILL while opening a new database and while writing, again and again', { timeout: 120_000 }, async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'agentdock-crash-'));
    const file = path.join(dir, 'agentdock.db');
    // First kill: as soon as the writer says it is opening, i.e. during creation and migration.
    await runAndKill(file, (line) => line === 'open');
    checkDatabase(file);
    let before = 0;
    for (let round = 0; round < 6; round += 1) {
      // Kill after a random number of commits: the next transaction is somewhere mid-flight.
      const target = 1 + Math.floor(Math.random() * 40);
      await runAndKill(file, (line) => Number(line) >= target);
      const after = checkDatabase(file);
      expect(after).toBeGreaterThanOrEqual(before + target);
      before = after;
    }
  });
});
