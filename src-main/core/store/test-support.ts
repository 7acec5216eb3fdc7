/** Helpers for the store's and the vault's tests: a real database file in a temp dir and a clock tests move. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Clock } from './clock';
import { openDatabase } from './database';
import type { OpenDatabaseOptions, StoreDatabase } from './database';

/** A clock that stands still until told to move. */
export class ManualClock {
  constructor(public ms: number = Date.now()) {}

  readonly now: Clock = () => this.ms;

  advance(ms: number): void {
    this.ms += ms;
  }

  advanceDays(days: number): void {
    this.ms += days * 86_400_000;
  }
}

export interface TempDatabase {
  db: StoreDatabase;
  dir: string;
  file: string;
  clock: ManualClock;
  /** Opens another connection to the same file. */
  reopen(options?: OpenDatabaseOptions): StoreDatabase;
  /** Closes every connection opened here and removes the directory. */
  cleanup(): void;
}

/** A migrated database in a fresh temp directory. */
export function tempDatabase(options: OpenDatabaseOptions & { clock?: never } = {}, start?: number): TempDatabase {
  const dir = mkdtempSync(path.join(tmpdir(), 'agentdock-store-'));
  const file = path.join(dir, 'agentdock.db');
  const clock = new ManualClock(start);
  const opened: StoreDatabase[] = [];
  const open = (extra: OpenDatabaseOptions = {}): StoreDatabase => {
    const db = openDatabase(file, { clock: clock.now, ...options, ...extra });
    opened.push(db);
    return db;
  };
  return {
    db: open(),
    dir,
    file,
    clock,
    reopen: open,
    cleanup() {
      for (const db of opened) db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
