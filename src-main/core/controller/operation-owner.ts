/**
 * Is the process that owns an operation still alive? Several processes share a data dir (the
 * desktop app, serve mode, a CLI `agentdock deploy` in a terminal), so reconcile must never take
 * a deploy away from a live process — and must recognise one that died (kill -9, a crash, a
 * reboot) however long ago.
 *
 * An owner is pid + host + start token. The token is the process's start time as the OS reports
 * it (Linux: boot id and the start tick from /proc/<pid>/stat; macOS/BSD: `ps -o lstart=`), so a
 * pid reused by a later process — or the same pid after a reboot — does not look like the owner.
 * On the same host that answer is exact and needs no heartbeat: a stopped (Ctrl-Z) or busy owner
 * is still alive and keeps its deploy. An owner on another host (a data dir on a shared disk)
 * cannot be asked, so it is judged by its heartbeat: silent for `staleAfterMs` means gone.
 */
import { execFile, execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { promisify } from 'node:util';
import type { OperationOwner, OwnerRecord } from '../store/deployments-repository';
import { sameOwner } from '../store/deployments-repository';

const execFileAsync = promisify(execFile);

/** How long an owner on another host may stay silent before its operations count as interrupted (2 min). */
export const DEFAULT_OWNER_STALE_AFTER_MS = 120_000;

/** How often a live owner refreshes its heartbeat (15 s). */
export const DEFAULT_HEARTBEAT_MS = 15_000;

let self: OperationOwner | undefined;

/** This process as an owner. */
export function currentOwner(): OperationOwner {
  self ??= { pid: process.pid, host: hostname(), startToken: ownStartToken() };
  return self;
}

/** The start token of `pid` on this host, or undefined when no such process exists (a zombie counts as gone). */
export async function processStartToken(pid: number): Promise<string | undefined> {
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  if (process.platform === 'linux') {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
    return stat === undefined ? undefined : linuxToken(stat);
  }
  if (process.platform === 'win32') return exists(pid) ? '' : undefined;
  try {
    const { stdout } = await execFileAsync('ps', ['-o', 'lstart=', '-p', String(pid)], { timeout: 5000 });
    return stdout.trim() || undefined;
  } catch {
    // ps exits 1 for a pid that does not exist; when ps itself fails, fall back to kill(0).
    return exists(pid) ? '' : undefined;
  }
}

/**
 * True while `owner` runs: same host → the pid exists with the same start token; another host →
 * its heartbeat is younger than `staleAfterMs`.
 */
export async function isOwnerAlive(owner: OperationOwner & Pick<OwnerRecord, 'heartbeatAt'>, options: { now: number; staleAfterMs?: number }): Promise<boolean> {
  const me = currentOwner();
  if (sameOwner(owner, me)) return true;
  if (owner.host !== me.host) return options.now - Date.parse(owner.heartbeatAt) < (options.staleAfterMs ?? DEFAULT_OWNER_STALE_AFTER_MS);
  const token = await processStartToken(owner.pid);
  if (token === undefined) return false;
  // '' means the OS could not tell a start time (either side): the pid's existence is all we know.
  return owner.startToken === '' || token === '' || token === owner.startToken;
}

function ownStartToken(): string {
  if (process.platform === 'linux') {
    try {
      return linuxToken(readFileSync('/proc/self/stat', 'utf8')) ?? '';
    } catch {
      return '';
    }
  }
  if (process.platform === 'win32') return '';
  try {
    return execFileSync('ps', ['-o', 'lstart=', '-p', String(process.pid)], { encoding: 'utf8', timeout: 5000 }).trim();
  } catch {
    return '';
  }
}

let bootId: string | undefined;

/** `<boot id>:<start tick>` from a /proc/<pid>/stat line; undefined for a zombie. */
function linuxToken(stat: string): string | undefined {
  // Fields after the command name (in parentheses, which may itself hold spaces or ")"): state is
  // field 3, starttime field 22.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  if (fields[0] === 'Z' || fields[0] === 'X') return undefined;
  bootId ??= readBootId();
  return `${bootId}:${fields[19] ?? ''}`;
}

function readBootId(): string {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    return '';
  }
}

function exists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
