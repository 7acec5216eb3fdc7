/**
 * Process entry of the bundled runtime (out/runtime/agentdock-runtime.js), the only AgentDock code
 * inside an agent image. Reads the config bundle from AGENTDOCK_CONFIG_DIR; AGENTDOCK_HOST and
 * AGENTDOCK_PORT override the Dockfile's expose.host/port (the process target binds loopback).
 */
import { startHealthServer } from './health-server';
import { loadRuntimeConfig } from './runtime-config';

async function main(): Promise<void> {
  const { spec } = await loadRuntimeConfig(process.env.AGENTDOCK_CONFIG_DIR ?? '/etc/agentdock');
  const port = process.env.AGENTDOCK_PORT !== undefined ? Number(process.env.AGENTDOCK_PORT) : spec.expose.port;
  const server = await startHealthServer(spec, { host: process.env.AGENTDOCK_HOST ?? spec.expose.host, port });
  process.stdout.write(`${JSON.stringify({ level: 'info', msg: 'runtime listening', agent: spec.agent.name, url: server.url })}\n`);
  const stop = (): void => {
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`${JSON.stringify({ level: 'error', msg: error instanceof Error ? error.message : String(error) })}\n`);
  process.exit(1);
});
