/**
 * Questions about a pid that a control plane which did not start the process must ask before it
 * signals it: is it alive, is it stopped (SIGSTOP), and is it really our runtime replica — a pid
 * from a run file may have been reused by an unrelated process after a reboot.
 *
 * Replicas are started as `node <bundle>/runtime/agentdock-runtime.js --agentdock-deployment=<id>
 * --agentdock-replica=<replica>`; the identity check reads that command line from /proc (Linux),
 * else from `ps` (macOS, BSD), else asks the replica's /health for the agent's name (Windows).
 */
import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

export type ProcessState = 'running' | 'stopped' | 'gone';

/** The command-line arguments that mark a replica process. */
export function replicaMarkers(deploymentId: string, replica: string): string[] {
  return [`--agentdock-deployment=${deploymentId}`, `--agentdock-replica=${replica}`];
}

/** Whether `pid` exists (a zombie counts as gone), and whether it is stopped by a signal. */
export async function processState(pid: number): Promise<ProcessState> {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return 'gone';
  }
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  if (stat === undefined) return 'running'; // no /proc: kill(0) said it exists
  // The state letter follows the command name in parentheses, which may itself hold spaces or ")".
  const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  if (state === 'Z' || state === 'X') return 'gone';
  return state === 'T' || state === 't' ? 'stopped' : 'running';
}

/** True when `pid` is the runtime replica `replica` of `deploymentId` (see the module header). */
export async function isReplicaProcess(pid: number, deploymentId: string, replica: string, probe: { endpoint?: string; agent: string }): Promise<boolean> {
  if ((await processState(pid)) === 'gone') return false;
  const args = await commandLine(pid);
  if (args) {
    const markers = replicaMarkers(deploymentId, replica);
    return args.some((arg) => arg.endsWith('agentdock-runtime.js')) && markers.every((marker) => args.includes(marker));
  }
  if (!probe.endpoint) return false;
  try {
    const response = await fetch(`${probe.endpoint}/health`, { signal: AbortSignal.timeout(1000) });
    return ((await response.json()) as { agent?: unknown }).agent === probe.agent;
  } catch {
    return false;
  }
}

async function commandLine(pid: number): Promise<string[] | undefined> {
  const proc = await readFile(`/proc/${pid}/cmdline`).catch(() => undefined);
  if (proc) return proc.toString('utf8').split('\0').filter(Boolean);
  if (process.platform === 'win32') return undefined;
  try {
    const { stdout } = await execFileAsync('ps', ['-p', String(pid), '-o', 'command='], { timeout: 2000 });
    // ps joins arguments with spaces; the markers contain none, so splitting is enough to find them.
    return stdout.trim().split(/\s+/);
  } catch {
    return undefined;
  }
}

/**
 * Pids of live runtime processes that carry `deploymentId`'s marker, whether or not a run file
 * names them: a control plane killed between spawning a replica and writing its replica-N.json
 * leaves one that only its command line identifies. Linux reads /proc; macOS and BSD ask `ps`;
 * elsewhere (Windows) it finds none.
 */
export async function findMarkedProcesses(deploymentId: string): Promise<number[]> {
  const marker = `--agentdock-deployment=${deploymentId}`;
  const isOurs = (args: readonly string[]): boolean => args.includes(marker) && args.some((arg) => arg.endsWith('agentdock-runtime.js'));
  if (process.platform === 'linux') {
    const entries = await readdir('/proc').catch(() => [] as string[]);
    const found: number[] = [];
    for (const entry of entries) {
      if (!/^\d+$/.test(entry)) continue;
      const raw = await readFile(`/proc/${entry}/cmdline`).catch(() => undefined);
      if (raw && isOurs(raw.toString('utf8').split('\0')) && (await processState(Number(entry))) !== 'gone') found.push(Number(entry));
    }
    return found;
  }
  if (process.platform === 'win32') return [];
  try {
    const { stdout } = await execFileAsync('ps', ['-ax', '-o', 'pid=,command='], { timeout: 5000, maxBuffer: 16 * 1024 * 1024 });
    return stdout
      .split('\n')
      .map((line) => line.trim().split(/\s+/))
      .filter((args) => isOurs(args))
      .map((args) => Number(args[0]))
      .filter((pid) => Number.isInteger(pid) && pid > 0);
  } catch {
    return [];
  }
}
