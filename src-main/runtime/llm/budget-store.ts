/**
 * The budget's spend on disk: `<state dir>/<agent>/budget-spend.json`, one small file per replica.
 * The state dir belongs to one deployment's replica on every target (the process target's
 * `replica-N.state/`, a container's /tmp/agentdock, a pod's emptyDir), so a crash-restarted
 * replica reads back its deployment's spend and a new deployment starts from $0.
 *
 * Written after every metered call, in the same turn as the model's answer is relayed (so before
 * the agent's run can end): one `pwrite` of a fixed-size record (JSON padded with spaces) at offset
 * 0 of a file kept open. A process is not stopped inside a write to a regular file, so a SIGKILL
 * leaves the previous record or the new one, never half of one, and loses nothing already metered.
 * The write costs microseconds (an earlier temp-file-and-rename took ~0.3 ms per call, and done
 * asynchronously it lost the last call's spend to a SIGKILL — enough to miss a 90 % warning).
 * An unreadable file is reported with its path and spend starts from $0; a write that fails is
 * reported once and the budget goes on in memory — a full disk must not stop the agent.
 */
import { closeSync, constants, ftruncateSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import type { BudgetState, BudgetStore } from './budget';

const FILE = 'budget-spend.json';
/** Every record is this long (newline included), so each write replaces the whole file. */
const RECORD_BYTES = 256;

interface SpendFile {
  format: 1;
  /** Integer picodollars, as a decimal string (exact beyond 2^53). */
  spentPico: string;
  warned: boolean;
  exhausted: boolean;
  updatedAt: string;
}

export interface FileBudgetStore extends BudgetStore {
  /** Closes the file (at shutdown); a later save opens it again. */
  close(): void;
}

/** A store in `stateDir`; `onProblem` hears an unreadable file or a failed write (once each). */
export function fileBudgetStore(stateDir: string, onProblem: (message: string) => void): FileBudgetStore {
  const file = path.join(stateDir, FILE);
  let fd: number | undefined;
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
      const buffer = Buffer.alloc(RECORD_BYTES, ' ');
      buffer.write(JSON.stringify(record), 'utf8');
      buffer[RECORD_BYTES - 1] = 0x0a;
      try {
        if (fd === undefined) {
          fd = openSync(file, constants.O_WRONLY | constants.O_CREAT, 0o600);
          // A longer file from elsewhere would keep its tail after the first record.
          ftruncateSync(fd, RECORD_BYTES);
        }
        writeSync(fd, buffer, 0, RECORD_BYTES, 0);
        writeFailed = false;
      } catch (error) {
        if (!writeFailed) onProblem(`cannot write ${file} (${(error as Error).message}): spend is kept in memory only, and a restart would start from $0`);
        writeFailed = true;
      }
    },
    close() {
      if (fd === undefined) return;
      closeSync(fd);
      fd = undefined;
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
