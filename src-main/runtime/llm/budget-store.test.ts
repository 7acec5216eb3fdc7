// Spend that outlives the process: a budget over a real file in a temp state dir, read back by the
// next process (a new Budget on the same dir) with its warnings already given; a damaged or
// unwritable file is reported with its path and never stops the agent.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Budget } from './budget';
import type { BudgetExceeded, Reservation } from './budget';
import { fileBudgetStore } from './budget-store';
import type { FileBudgetStore } from './budget-store';
import { RecordingEvents } from './test-support';

let dir: string;
let problems: string[];

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'agentdock-budget-'));
  problems = [];
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** A store on the temp state dir; each is flushed after the test's step (the store writes on the next turn). */
const stores: FileBudgetStore[] = [];
function store(): FileBudgetStore {
  const opened = fileBudgetStore(path.join(dir, 'lead-gen'), (message) => problems.push(message));
  stores.push(opened);
  return opened;
}
const settled = async (): Promise<void> => {
  for (const opened of stores.splice(0)) await opened.settled();
};

function spend(budget: Budget, usd: number): void {
  const reservation = budget.reserve(usd) as Reservation | BudgetExceeded;
  if ('exceeded' in reservation) throw new Error(reservation.message);
  budget.reconcile(reservation, usd);
}

describe('a budget kept in the state dir', () => {
  it('writes the newest figure off the call path, however many calls settle during a write', async () => {
    const opened = store();
    const budget = new Budget({ limitUsd: 10, store: opened }, new RecordingEvents());
    spend(budget, 1);
    spend(budget, 2);
    const file = path.join(dir, 'lead-gen', 'budget-spend.json');
    const spent = (): string => (JSON.parse(readFileSync(file, 'utf8')) as { spentPico: string }).spentPico;
    await opened.settled();
    expect(spent()).toBe((3n * 10n ** 12n).toString());
    spend(budget, 4);
    await new Promise((resolve) => setImmediate(resolve));
    spend(budget, 0.5);
    spend(budget, 0.25);
    await opened.settled();
    expect(spent()).toBe((7_750_000_000_000n).toString());
  });

  it('goes on after a restart from what was spent, without warning twice', async () => {
    const before = new RecordingEvents();
    const first = new Budget({ limitUsd: 50, store: store() }, before);
    expect(first.restoredUsd).toBe(0);
    for (let call = 0; call < 46; call++) spend(first, 1);
    expect(before.ofType('budget').map((event) => event.data.level)).toEqual(['warning']);
    await settled();
    const file = JSON.parse(readFileSync(path.join(dir, 'lead-gen', 'budget-spend.json'), 'utf8')) as Record<string, unknown>;
    expect(file).toMatchObject({ format: 1, spentPico: (46n * 10n ** 12n).toString(), warned: true, exhausted: false });

    // The process died; the next one reads the same dir.
    const after = new RecordingEvents();
    const second = new Budget({ limitUsd: 50, store: store() }, after);
    expect(second.restoredUsd).toBe(46);
    expect(second.snapshot()).toMatchObject({ spentUsd: 46, ratio: 0.92 });
    // $4 remain, not $50: a $5 call is refused.
    expect(second.reserve(5)).toMatchObject({ exceeded: true });
    spend(second, 4);
    await settled();
    expect(after.ofType('budget').map((event) => event.data.level)).toEqual(['blocked', 'exceeded']);
    expect(new Budget({ limitUsd: 50, store: store() }, new RecordingEvents()).snapshot().spentUsd).toBe(50);
    expect(problems).toEqual([]);
  });

  it('starts from $0 with the file named when the file is damaged', async () => {
    const first = new Budget({ limitUsd: 10, store: store() }, new RecordingEvents());
    spend(first, 2);
    await settled();
    writeFileSync(path.join(dir, 'lead-gen', 'budget-spend.json'), '{"format":1,"spentPico":"12');
    const second = new Budget({ limitUsd: 10, store: store() }, new RecordingEvents());
    expect(second.snapshot().spentUsd).toBe(0);
    expect(problems).toEqual([`${path.join(dir, 'lead-gen', 'budget-spend.json')} is not a spend record this runtime writes: spend starts from $0`]);
  });

  it('keeps counting in memory when the file cannot be written, and says so once', async () => {
    // A file where the state dir should be: nothing can be read or written there (root included).
    writeFileSync(path.join(dir, 'lead-gen'), 'not a directory');
    const budget = new Budget({ limitUsd: 10, store: store() }, new RecordingEvents());
    spend(budget, 1);
    await settled();
    spend(budget, 1);
    await settled();
    expect(budget.snapshot().spentUsd).toBe(2);
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/^cannot read .*budget-spend\.json \(.*ENOTDIR.*\): spend starts from \$0$/);
    expect(problems[1]).toMatch(/^cannot write .*budget-spend\.json \(.+\): spend is kept in memory only, and a restart would start from \$0$/);
  });
});
