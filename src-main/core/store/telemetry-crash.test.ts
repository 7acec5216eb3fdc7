// kill -9 during telemetry ingest never leaves the rollup tiers disagreeing with each other or
// with the stored events: a child process ingests batches (events + minute, 10-minute, hour and
// day rollups in one transaction) and is SIGKILLed at random points; after each kill the
// database is reopened and checked.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { killWriters, runWriterAndKill } from './crash-test-support';
import { openDatabase } from './database';
import { tierMismatches } from './rollup-test-support';

const WRITER = path.join(import.meta.dirname, 'testdata', 'telemetry-crash-writer.ts');

let dir: string | undefined;

afterEach(() => {
  killWriters();
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

/** Starts the writer and SIGKILLs it after `commits` committed batches; resolves when it is dead. */
function runAndKill(file: string, commits: number): Promise<void> {
  return runWriterAndKill(WRITER, file, (line) => Number(line) >= commits);
}

/** Every tier equals the sum of the minute rows, and the minute rows count exactly the stored run_end events. */
function checkDatabase(file: string): number {
  const db = openDatabase(file);
  try {
    expect(db.checkIntegrity()).toEqual({ ok: true, problems: [] });
    expect(tierMismatches(db)).toEqual([]);
    const runs = db.sql.prepare("SELECT count(*) AS n FROM telemetry_events WHERE type = 'run_end'").get() as { n: number };
    const requests = db.sql.prepare('SELECT coalesce(sum(requests), 0) AS n FROM telemetry_rollups').get() as { n: number };
    expect(requests.n).toBe(runs.n);
    return runs.n;
  } finally {
    db.close();
  }
}

describe('telemetry crash consistency', () => {
  it('keeps events and every rollup tier in step across SIGKILLs mid-ingest', { timeout: 120_000 }, async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'agentdock-telemetry-crash-'));
    const file = path.join(dir, 'agentdock.db');
    let before = 0;
    for (let round = 0; round < 4; round += 1) {
      // Kill after a random number of commits: the next batch is somewhere mid-transaction.
      await runAndKill(file, 1 + Math.floor(Math.random() * 15));
      const after = checkDatabase(file);
      expect(after).toBeGreaterThan(before);
      before = after;
    }
  });
});
