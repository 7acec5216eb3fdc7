/**
 * The composition root of the console's main side: every handler of the contract, built over one
 * control plane, plus the shared watches they use. Electron and serve mode both call
 * `createConsoleHandlers` once and give each connection a ConsoleSession over the result.
 */
import os from 'node:os';
import type { LiveEvent } from '../../../src-shared/ipc/console-types';
import type { ControlPlane } from '../control-plane';
import type { Disposable } from '../contracts';
import { agentNameLookup } from '../store';
import { accessHandlers } from './access-handlers';
import { adminHandlers } from './admin-handlers';
import { agentHandlers } from './agent-handlers';
import { controlHandlers } from './control-handlers';
import { demoHandlers } from './demo-handlers';
import { deployHandlers } from './deploy-handlers';
import { probeEnvironment } from './environment-probe';
import { FleetWatch } from './fleet-watch';
import type { ConsoleHandlers } from './handler-types';
import { kubeHandlers } from './kube-handlers';
import { observeRequests, observeStreams } from './observe-handlers';
import { playgroundStreamHandlers } from './playground-stream-handlers';
import { projectHandlers } from './project-handlers';

export interface ConsoleHandlerOptions {
  mode: 'electron' | 'serve';
  /** The console's version (package.json at build time). */
  version: string;
  appName?: string;
  /** How often open fleet views are refreshed, ms (default 2 s). */
  fleetIntervalMs?: number;
  log?: (message: string) => void;
  /** Where KUBECONFIG and HOME are read for the environment and Targets views (default process.env). */
  env?: Readonly<Record<string, string | undefined>>;
}

export function createConsoleHandlers(plane: ControlPlane, options: ConsoleHandlerOptions): ConsoleHandlers & Disposable {
  const log = options.log ?? ((message: string) => process.stderr.write(`${message}\n`));
  const fleet = new FleetWatch(plane, { ...(options.fleetIntervalMs ? { intervalMs: options.fleetIntervalMs } : {}), onError: (error) => log(`console: fleet refresh failed: ${String(error)}`) });
  const agentName = agentNameLookup(plane.repositories.agents);
  const control = controlHandlers(plane);
  return {
    requests: {
      'app:info': async (_input, { principal }) => ({
        name: options.appName ?? 'AgentDock',
        version: options.version,
        platform: process.platform,
        mode: options.mode,
        user: principal.user,
        role: principal.role,
        dataDir: plane.dataDir,
      }),
      'environment:detect': () => probeEnvironment(plane, options.env),
      ...agentHandlers(plane, fleet),
      ...projectHandlers(),
      ...deployHandlers(plane, fleet),
      ...demoHandlers(plane, fleet),
      ...accessHandlers(plane),
      ...adminHandlers(plane, options.env ? { env: options.env } : {}),
      ...kubeHandlers(plane, options.env ? { env: options.env } : {}),
      ...observeRequests(plane),
      ...control.requests,
    },
    streams: {
      'fleet:changes': (_input, { emit }) => fleet.listen(emit),
      ...observeStreams(plane),
      ...playgroundStreamHandlers(plane),
      ...control.streams,
      'telemetry:events': ({ agent }, { emit }) => {
        const agentId = agent === undefined ? undefined : plane.repositories.agents.require(agent).id;
        return plane.telemetry().onEvents((events) => {
          for (const event of events) {
            if (agentId !== undefined && event.agentId !== agentId) continue;
            const live: LiveEvent = { agentId: event.agentId, agent: agentName(event.agentId), source: event.source, eventId: event.eventId, type: event.type, time: event.time, data: event.data };
            emit(live);
          }
        });
      },
    },
    dispose: () => fleet.dispose(),
  };
}

/** The local user's name for audit rows in the desktop app. */
export function localUser(env: Readonly<Record<string, string | undefined>> = process.env): string {
  return env.AGENTDOCK_ACTOR ?? env.USER ?? env.USERNAME ?? os.userInfo().username;
}
