/**
 * The budget's spend on disk: `<state dir>/budget-spend.json`, one small JSON file per replica.
 * The state dir belongs to one deployment's replica on every target (the process target's
 * `replica-N.state/`, a container's /tmp/agentdock, a pod's emptyDir), so a crash-restarted
 * replica reads back its deployment's spend and a new deployment starts from $0.
 *
 * Written after every metered call: to a temporary name, then renamed, so a reader never sees half
 * a file and a process killed mid-write leaves the previous figure. A file that cannot be read is
 * reported (with its path) and spend starts from $0; a write that fails is reported once and the
 * budget goes on in memory — a full disk must not stop the agent.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { BudgetState, BudgetStore } from './budget';

const FILE = 'budget-spend.json';

interface SpendFile {
  format: 1;
  /** Integer picodollars, as a decimal string (exact beyond 2^53). */
  spentPico: string;
  warned: boolean;
  exhausted: boolean;
  updatedAt: string;
}

/** A store in `stateDir`; `onProblem` hears an unreadable file or a failed write (once each). */
export function fileBudgetStore(stateDir: string, onProblem: (message: string) => void): BudgetStore {
  const file = path.join(stateDir, FILE);
  const temporary = `${file}.${process.pid}.tmp`;
  let writeFailed = false;
  try {
    mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  } catch {
    // Reported by the first save that cannot write.
  }
  return {
    load() {
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        onProblem(`cannot read ${file} (${(error as Error).message}): spend starts from $0`);
        return undefined;
      }
      const parsed = parseSpend(text);
      if (!parsed) onProblem(`${file} is not a spend record this runtime writes: spend starts from $0`);
      return parsed;
    },
    save(state) {
      const record: SpendFile = { format: 1, spentPico: state.spentPico.toString(), warned: state.warned, exhausted: state.exhausted, updatedAt: new Date().toISOString() };
      try {
        writeFileSync(temporary, `${JSON.stringify(record)}\n`, { mode: 0o600 });
        renameSync(temporary, file);
        writeFailed = false;
      } catch (error) {
        if (!writeFailed) onProblem(`cannot write ${file} (${(error as Error).message}): spend is kept in memory only, and a restart would start from $0`);
        writeFailed = true;
      }
    },
  };
}

function parseSpend(text: string): BudgetState | undefined {
  try {
    const value = JSON.parse(text) as Partial<SpendFile>;
    if (value.format !== 1 || typeof value.spentPico !== 'string' || !/^\d+$/.test(value.spentPico)) return undefined;
    return { spentPico: BigInt(value.spentPico), warned: value.warned === true, exhausted: value.exhausted === true };
  } catch {
    return undefined;
  }
}
