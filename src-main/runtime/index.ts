/**
 * Process entry of the bundled runtime (out/runtime/agentdock-runtime.js), the only AgentDock code
 * inside an agent image. Reads the config bundle from AGENTDOCK_CONFIG_DIR; AGENTDOCK_HOST and
 * AGENTDOCK_PORT override the Dockfile's expose.host/port (the process target binds loopback).
 * SIGTERM/SIGINT drain in-flight requests, flush telemetry and stop the agent.
 */
import { startRuntime } from './runtime';

const DRAIN_MS = Number(process.env.AGENTDOCK_DRAIN_MS ?? 10_000);

async function main(): Promise<void> {
  // Handlers go in before the runtime starts: it announces "runtime listening" from inside
  // startRuntime, and a supervisor may send SIGTERM the moment it reads that line. A signal during
  // start-up is remembered and honoured (drained) as soon as there is a runtime to close.
  const started: { runtime?: Awaited<ReturnType<typeof startRuntime>> } = {};
  let stopRequested = false;
  let stopping = false;
  const stop = (): void => {
    stopRequested = true;
    if (!started.runtime || stopping) return;
    stopping = true;
    started.runtime.close(DRAIN_MS).then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  started.runtime = await startRuntime({
    bundleDir: process.env.AGENTDOCK_CONFIG_DIR ?? '/etc/agentdock',
    ...(process.env.AGENTDOCK_HOST ? { host: process.env.AGENTDOCK_HOST } : {}),
    ...(process.env.AGENTDOCK_PORT !== undefined ? { port: Number(process.env.AGENTDOCK_PORT) } : {}),
    ...(process.env.AGENTDOCK_STATE_DIR ? { stateDir: process.env.AGENTDOCK_STATE_DIR } : {}),
  });
  if (stopRequested) stop();
}

main().catch((error: unknown) => {
  process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), level: 'error', msg: `runtime failed to start: ${error instanceof Error ? error.message : String(error)}` })}\n`);
  process.exit(1);
});
