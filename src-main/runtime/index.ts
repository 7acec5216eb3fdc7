/**
 * Process entry of the bundled runtime (out/runtime/agentdock-runtime.js), the only AgentDock code
 * inside an agent image. Reads the config bundle from AGENTDOCK_CONFIG_DIR; AGENTDOCK_HOST and
 * AGENTDOCK_PORT override the Dockfile's expose.host/port (the process target binds loopback).
 * SIGTERM/SIGINT drain in-flight requests, flush telemetry and stop the agent.
 */
import { startRuntime } from './runtime';

const DRAIN_MS = Number(process.env.AGENTDOCK_DRAIN_MS ?? 10_000);

async function main(): Promise<void> {
  const runtime = await startRuntime({
    bundleDir: process.env.AGENTDOCK_CONFIG_DIR ?? '/etc/agentdock',
    ...(process.env.AGENTDOCK_HOST ? { host: process.env.AGENTDOCK_HOST } : {}),
    ...(process.env.AGENTDOCK_PORT !== undefined ? { port: Number(process.env.AGENTDOCK_PORT) } : {}),
    ...(process.env.AGENTDOCK_STATE_DIR ? { stateDir: process.env.AGENTDOCK_STATE_DIR } : {}),
  });
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    runtime.close(DRAIN_MS).then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), level: 'error', msg: `runtime failed to start: ${error instanceof Error ? error.message : String(error)}` })}\n`);
  process.exit(1);
});
