/**
 * The operating-system side of one replica: how its process is started (detached, in its own
 * process group, stdout/stderr straight into its log files, marked on the command line so a later
 * control plane can recognise it), how it is signalled, and how its exit is explained.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import path from 'node:path';
import { replicaMarkers } from './process-probe';

export interface ExitInfo {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
}

export interface SpawnReplicaOptions {
  nodePath: string;
  /** The bundle: `runtime/agentdock-runtime.js` runs, `agent/` is the working directory. */
  bundleDir: string;
  deploymentId: string;
  replica: string;
  env: Readonly<Record<string, string>>;
  stdoutFile: string;
  stderrFile: string;
}

/** Starts `node <bundle>/runtime/agentdock-runtime.js <markers>`; spawn failures arrive as the child's `error` event. */
export function spawnReplica(options: SpawnReplicaOptions): ChildProcess {
  // Files, not pipes: the replica keeps logging after the control plane exits, and a pipe nobody
  // reads would block the runtime's (synchronous) stdout writes once its buffer filled.
  const out = openSync(options.stdoutFile, 'a', 0o600);
  const err = openSync(options.stderrFile, 'a', 0o600);
  try {
    const child = spawn(options.nodePath, [path.join(options.bundleDir, 'runtime', 'agentdock-runtime.js'), ...replicaMarkers(options.deploymentId, options.replica)], {
      cwd: path.join(options.bundleDir, 'agent'),
      env: { ...options.env, ...runAsNode(options.nodePath) },
      // Own process group: the replica outlives the control plane, and group signals reach its children.
      detached: true,
      stdio: ['ignore', out, err],
      windowsHide: true,
    });
    child.unref();
    return child;
  } finally {
    closeSync(out);
    closeSync(err);
  }
}

/**
 * In the desktop app the default node is the app's own executable (process.execPath is Electron):
 * ELECTRON_RUN_AS_NODE makes it run the runtime as plain Node instead of opening a second console.
 * (So electron-builder.yml must keep Electron's RunAsNode fuse on.)
 */
function runAsNode(nodePath: string): Record<string, string> {
  return process.versions.electron !== undefined && nodePath === process.execPath ? { ELECTRON_RUN_AS_NODE: '1' } : {};
}

/** The URL from the runtime's `{"msg":"runtime listening","url":…}` line. */
export function parseListening(line: string): string | undefined {
  try {
    const entry = JSON.parse(line) as { msg?: unknown; url?: unknown };
    return entry.msg === 'runtime listening' && typeof entry.url === 'string' ? entry.url : undefined;
  } catch {
    return undefined;
  }
}

/** A one-line reason for an exit: how it ended, and the runtime's last stderr message. */
export function describeExit(exit: ExitInfo, lastStderr: string | undefined): string {
  const how = exit.signal ? `killed by ${exit.signal}` : exit.exitCode === null ? 'gone (not our child: exit status unknown)' : `exited with code ${exit.exitCode}`;
  if (!lastStderr) return how;
  let message = lastStderr;
  try {
    const entry = JSON.parse(lastStderr) as { msg?: unknown };
    if (typeof entry.msg === 'string') message = entry.msg;
  } catch {
    // A plain-text line (Node's own crash output): keep it as it is.
  }
  return `${how}: ${message.slice(0, 500)}`;
}

/** Sends `name` to `pid`, ignoring a process that is already gone. */
export function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // ESRCH: it is already gone, which is what every caller is after anyway.
  }
}

/** Signals the replica's whole process group (its own, since it was spawned detached). */
export function signalGroup(pid: number, name: NodeJS.Signals): void {
  signal(process.platform === 'win32' ? pid : -pid, name);
}
