// Spend that outlives the process: a budget over a real file in a temp state dir, read back by the
// next process (a new Budget on the same dir) with its warnings already given; a damaged or
// unwritable file is reported with its path and never stops the agent.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
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
  for (const opened of stores.splice(0)) opened.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A store on the temp state dir (closed after the test). */
const stores: FileBudgetStore[] = [];
function store(): FileBudgetStore {
  const opened = fileBudgetStore(path.join(dir, 'lead-gen'), (message) => problems.push(message));
  stores.push(opened);
  return opened;
}

function spend(budget: Budget, usd: number): void {
  const reservation = budget.reserve(usd) as Reservation | BudgetExceeded;
  if ('exceeded' in reservation) throw new Error(reservation.message);
  budget.reconcile(reservation, usd);
}

describe('a budget kept in the state dir', () => {
  it('has every metered call on disk as soon as it is counted, in a record of fixed size', () => {
    const file = path.join(dir, 'lead-gen', 'budget-spend.json');
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, 'x'.repeat(4096));
    const budget = new Budget({ limitUsd: 10, store: store() }, new RecordingEvents());
    expect(problems).toEqual([`${file} is not a spend record this runtime writes: spend starts from $0`]);
    const spent = (): string => (JSON.parse(readFileSync(file, 'utf8')) as { spentPico: string }).spentPico;
    spend(budget, 1);
    expect(spent()).toBe((1n * 10n ** 12n).toString());
    expect(statSync(file).size).toBe(256);
    spend(budget, 2.75);
    expect(spent()).toBe((3_750_000_000_000n).toString());
    expect(statSync(file).size).toBe(256);
  });

  it('goes on after a restart from what was spent, without warning twice', () => {
    const before = new RecordingEvents();
    const first = new Budget({ limitUsd: 50, store: store() }, before);
    expect(first.snapshot().spentUsd).toBe(0);
    for (let call = 0; call < 46; call++) spend(first, 1);
    expect(before.ofType('budget').map((event) => event.data.level)).toEqual(['warning']);
    const file = JSON.parse(readFileSync(path.join(dir, 'lead-gen', 'budget-spend.json'), 'utf8')) as Record<string, unknown>;
    expect(file).toMatchObject({ format: 1, spentPico: (46n * 10n ** 12n).toString(), warned: true, exhausted: false });

    // The process died; the next one reads the same dir.
    const after = new RecordingEvents();
    const second = new Budget({ limitUsd: 50, store: store() }, after);
    expect(second.snapshot().spentUsd).toBe(46);
    expect(second.snapshot()).toMatchObject({ spentUsd: 46, ratio: 0.92 });
    // $4 remain, not $50: a $5 call is refused.
    expect(second.reserve(5)).toMatchObject({ exceeded: true });
    spend(second, 4);
    expect(after.ofType('budget').map((event) => event.data.level)).toEqual(['blocked', 'exceeded']);
    expect(new Budget({ limitUsd: 50, store: store() }, new RecordingEvents()).snapshot().spentUsd).toBe(50);
    expect(problems).toEqual([]);
  });

  it('starts from $0 with the file named when the file is damaged', () => {
    const first = new Budget({ limitUsd: 10, store: store() }, new RecordingEvents());
    spend(first, 2);
    writeFileSync(path.join(dir, 'lead-gen', 'budget-spend.json'), '{"format":1,"spentPico":"12');
    const second = new Budget({ limitUsd: 10, store: store() }, new RecordingEvents());
    expect(second.snapshot().spentUsd).toBe(0);
    expect(problems).toEqual([`${path.join(dir, 'lead-gen', 'budget-spend.json')} is not a spend record this runtime writes: spend starts from $0`]);
  });

  it('keeps counting in memory when the file cannot be written, and says so once', () => {
    // A file where the state dir should be: nothing can be read or written there (root included).
    writeFileSync(path.join(dir, 'lead-gen'), 'not a directory');
    const budget = new Budget({ limitUsd: 10, store: store() }, new RecordingEvents());
    spend(budget, 1);
    spend(budget, 1);
    expect(budget.snapshot().spentUsd).toBe(2);
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/^cannot read .*budget-spend\.json \(.*ENOTDIR.*\): spend starts from \$0$/);
    expect(problems[1]).toMatch(/^cannot write .*budget-spend\.json \(.+\): spend is kept in memory only, and a restart would start from \$0$/);
  });
});
