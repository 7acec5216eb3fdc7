/**
 * The budget's spend on disk: `<state dir>/budget-spend.json`, one small JSON file per replica.
 * The state dir belongs to one deployment's replica on every target (the process target's
 * `replica-N.state/`, a container's /tmp/agentdock, a pod's emptyDir), so a crash-restarted
 * replica reads back its deployment's spend and a new deployment starts from $0.
 *
 * Written after every metered call, off the call's path: asynchronously, one write at a time (calls
 * settling meanwhile share the next one), to a temporary name, then renamed, so a reader never sees
 * half a file and a process killed mid-write leaves the previous figure. What a SIGKILL can lose is
 * the spend of the calls settled in the last write's time (about a millisecond). A file that cannot be read is
 * reported (with its path) and spend starts from $0; a write that fails is reported once and the
 * budget goes on in memory — a full disk must not stop the agent.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
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

export interface FileBudgetStore extends BudgetStore {
  /** Resolves once the newest figure is on disk (at shutdown, and in tests). */
  settled(): Promise<void>;
}

/** A store in `stateDir`; `onProblem` hears an unreadable file or a failed write (once each). */
export function fileBudgetStore(stateDir: string, onProblem: (message: string) => void): FileBudgetStore {
  const file = path.join(stateDir, FILE);
  const temporary = `${file}.${process.pid}.tmp`;
  let writeFailed = false;
  /** The newest figure, its number, and the number of the last one written (or given up on). */
  let latest: BudgetState | undefined;
  let version = 0;
  let persisted = 0;
  let writing: Promise<void> | undefined;
  // One write at a time, on libuv's threads (the agent's event loop never waits on the disk); a
  // figure newer than the one just written is written next.
  const drain = async (): Promise<void> => {
    while (latest && persisted < version) {
      const target = version;
      const text = `${JSON.stringify({ format: 1, spentPico: latest.spentPico.toString(), warned: latest.warned, exhausted: latest.exhausted, updatedAt: new Date().toISOString() } satisfies SpendFile)}\n`;
      try {
        await writeFile(temporary, text, { mode: 0o600 });
        await rename(temporary, file);
        writeFailed = false;
      } catch (error) {
        if (!writeFailed) onProblem(`cannot write ${file} (${(error as Error).message}): spend is kept in memory only, and a restart would start from $0`);
        writeFailed = true;
      }
      persisted = target;
    }
    writing = undefined;
  };
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
      latest = state;
      version++;
      writing ??= drain();
    },
    async settled() {
      while (writing) await writing;
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
