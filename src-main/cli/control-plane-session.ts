/**
 * How CLI commands reach the control plane: open it for the data dir (AGENTDOCK_HOME or the OS
 * default), run, close, and turn control-plane errors into one clear line with their code.
 */
import { CoreError } from '../core/contracts';
import { openControlPlane } from '../core/control-plane';
import type { ControlPlane, ControlPlaneOptions } from '../core/control-plane';
import { EXIT } from './terminal';
import type { Terminal } from './terminal';

declare const AGENTDOCK_VERSION: string | undefined;

/** Runs `work` with an open control plane; CoreErrors print as `agentdock <command>: E2001 Name: message` and exit 1. */
export async function withControlPlane(
  command: string,
  terminal: Terminal,
  json: boolean,
  work: (plane: ControlPlane) => Promise<number>,
  options: Pick<ControlPlaneOptions, 'retention' | 'reconcileOnOpen' | 'dataDir' | 'keyProvider'> = {},
): Promise<number> {
  let plane: ControlPlane | undefined;
  try {
    plane = openControlPlane({ runtimeVersion: typeof AGENTDOCK_VERSION === 'string' ? AGENTDOCK_VERSION : 'dev', ...options });
    return await work(plane);
  } catch (error) {
    if (!(error instanceof CoreError)) throw error;
    if (json) terminal.out(JSON.stringify({ ok: false, error: { code: error.code, name: error.name, message: error.message, ...(error.details ? { details: error.details } : {}) } }, null, 2));
    else terminal.err(`agentdock ${command}: ${error.code} ${error.name}: ${error.message}`);
    return EXIT.failed;
  } finally {
    await plane?.close();
  }
}

/** The acting user for audit rows: AGENTDOCK_ACTOR, else the OS user. */
export function currentActor(): string {
  return process.env.AGENTDOCK_ACTOR ?? process.env.USER ?? process.env.USERNAME ?? 'local';
}
