/**
 * Test support for the console's main side: a ConsoleClient wired to a ConsoleSession in the same
 * process through a transport that round-trips every message through JSON (as IPC and WebSocket
 * do), so a value that would not survive the wire fails here too; and the real control plane with
 * the real handlers those tests run over, with the agent projects they deploy.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConsoleClient } from '../../../src-shared/ipc/client';
import type { ConsoleTransport } from '../../../src-shared/ipc/client';
import type { ServerMessage } from '../../../src-shared/ipc/protocol';
import { openControlPlane } from '../control-plane';
import type { ControlPlane, ControlPlaneOptions } from '../control-plane';
import { deleteDeploymentsAndClose } from '../control-plane-test-support';
import type { Disposable } from '../contracts';
import { ensureRuntimeBuilt } from '../targets/process/process-test-support';
import { ConsoleSession } from './console-session';
import type { ConsolePrincipal } from './console-session';
import type { ConsoleHandlers } from './handler-types';
import { createConsoleHandlers } from './handlers';
import type { ConsoleHandlerOptions } from './handlers';

export interface ConnectedPair {
  client: ConsoleClient;
  session: ConsoleSession;
  /** Sends a raw, possibly malformed, message as a hostile page would. */
  sendRaw(message: unknown): void;
  /** Every message main sent, for assertions about the wire. */
  received: ServerMessage[];
  /** Closes the connection as a closed window would: the session is disposed, the client told. */
  close(): void;
}

export function connect(handlers: ConsoleHandlers, principal: ConsolePrincipal): ConnectedPair {
  let toClient: ((message: ServerMessage) => void) | undefined;
  let onClose: ((reason: string) => void) | undefined;
  const received: ServerMessage[] = [];
  const session = new ConsoleSession({
    handlers,
    principal,
    send: (message) => {
      const copy = JSON.parse(JSON.stringify(message)) as ServerMessage;
      received.push(copy);
      queueMicrotask(() => toClient?.(copy));
    },
    log: () => undefined,
  });
  const transport: ConsoleTransport = {
    send: (message) => {
      const copy: unknown = JSON.parse(JSON.stringify(message));
      queueMicrotask(() => session.receive(copy));
    },
    onMessage: (listener) => {
      toClient = listener;
      return () => (toClient = undefined);
    },
    onClose: (listener) => {
      onClose = listener;
      return () => (onClose = undefined);
    },
  };
  const client = new ConsoleClient(transport);
  return {
    client,
    session,
    received,
    sendRaw: (message) => session.receive(message),
    close: () => {
      session.dispose();
      onClose?.('window closed');
    },
  };
}

/** Resolves when `predicate` holds for an event of `events`, polling the array (no timers in the assertion). */
export async function waitFor<T>(events: readonly T[], predicate: (event: T) => boolean, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = events.find(predicate);
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; got ${JSON.stringify(events).slice(0, 2000)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export interface ConsoleTestPlaneOptions {
  /** Names the temp root: agentdock-<name>-XXXXXX. */
  name: string;
  /**
   * The tests deploy and run agents: out/runtime is built when missing and the plane gets the
   * shell's environment (the runtime processes need PATH). Otherwise the plane sees only its key.
   */
  runsAgents?: boolean;
  /** Starts telemetry ingest, as serve mode does. */
  telemetry?: boolean;
  /** Over the defaults: serve mode, version 9.9.9, a silent log. */
  handlers?: Partial<ConsoleHandlerOptions>;
  /** Telemetry's poll and scrape intervals (defaults 5 s and 15 s). */
  telemetryIntervals?: ControlPlaneOptions['telemetry'];
}

export interface ConsoleTestPlane {
  /** The temp folder holding the data dir (`data`) and whatever the test writes beside it. */
  root: string;
  plane: ControlPlane;
  handlers: ConsoleHandlers & Disposable;
  /** Disposes the handlers, deletes every process deployment, closes the plane and removes the root. */
  dispose(): Promise<void>;
}

/** A real control plane on a fresh temp data dir (process target only, no Docker) with the real console handlers over it. */
export function openConsoleTestPlane(options: ConsoleTestPlaneOptions): ConsoleTestPlane {
  if (options.runsAgents) ensureRuntimeBuilt();
  const root = mkdtempSync(path.join(tmpdir(), `agentdock-${options.name}-`));
  let plane: ControlPlane;
  try {
    const env = { ...(options.runsAgents ? process.env : {}), AGENTDOCK_MASTER_KEY: 'test-only-console-passphrase-0123' };
    plane = openControlPlane({ dataDir: path.join(root, 'data'), env, runtimeVersion: 'test', targets: { docker: undefined }, ...(options.telemetryIntervals && { telemetry: options.telemetryIntervals }) });
  } catch (error) {
    rmSync(root, { recursive: true, force: true });
    throw error;
  }
  if (options.telemetry) plane.telemetry().start();
  const handlers = createConsoleHandlers(plane, { mode: 'serve', version: '9.9.9', log: () => undefined, ...options.handlers });
  return {
    root,
    plane,
    handlers,
    dispose: async () => {
      handlers.dispose();
      await deleteDeploymentsAndClose(plane);
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** Writes (or rewrites) a one-module JavaScript agent project in `dir`: its Dockfile.yaml and agent.mjs. */
export function writeTestAgentProject(dir: string, files: { dockfile: string; module: string }): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'Dockfile.yaml'), files.dockfile);
  writeFileSync(path.join(dir, 'agent.mjs'), files.module);
  return dir;
}

/** Deploys `projectDir` to the process target through `deploy:create` as an admin; throws with the error when it fails. */
export async function deployThroughConsole(handlers: ConsoleHandlers, projectDir: string): Promise<void> {
  const deployed = await connect(handlers, { user: 'ann', role: 'admin' }).client.request('deploy:create', { projectDir, target: 'process' });
  if (!deployed.ok) throw new Error(`deploy failed: ${deployed.error.code} ${deployed.error.message}`);
}
