/**
 * Handlers for the fleet and one agent: the table and its live changes, an agent's detail,
 * lifecycle actions, and the playground's invocation through the agent's own runtime.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { LIFECYCLE_DELETE_ROLE, roleAllows } from '../../../src-shared/ipc/roles';
import type { AgentDetail, DeploymentRow, LifecycleOutcome, VersionRow } from '../../../src-shared/ipc/console-types';
import type { ControlPlane } from '../control-plane';
import { CoreError, errorMessage } from '../contracts';
import type { TargetKind } from '../contracts';
import { CONTROL_TOKEN_HEADER } from '../telemetry/event-stream-client';
import { activeRuntimeOf } from './active-runtime';
import { agentRoles } from './agent-roles';
import { ConsoleHandlerError } from './console-session';
import { fleetRows } from './fleet-rows';
import type { FleetWatch } from './fleet-watch';
import type { ConsoleHandlers } from './handler-types';

type Handlers = ConsoleHandlers['requests'];

const INVOKE_TIMEOUT_MS = 120_000;

export function agentHandlers(plane: ControlPlane, fleet: FleetWatch): Pick<Handlers, 'agents:list' | 'agents:get' | 'agents:lifecycle' | 'agents:invoke' | 'versions:dockfile'> {
  const repos = plane.repositories;
  const requireAgent = (name: string) => {
    const agent = repos.agents.findByName(name);
    if (!agent) throw new CoreError('E2004', `No agent named ${name}; it may have been deleted — refresh the fleet.`);
    return agent;
  };
  return {
    'agents:list': () => fleet.snapshot(),

    'agents:get': async ({ agent: name }) => {
      const agent = requireAgent(name);
      const [row] = await fleetRows(plane, { agentIds: [agent.id] });
      const deployments = repos.deployments.list({ agentId: agent.id, limit: 50 });
      const activeOn = new Map<string, TargetKind[]>();
      for (const deployment of deployments.filter((d) => d.status === 'active')) activeOn.set(deployment.versionId, [...(activeOn.get(deployment.versionId) ?? []), deployment.targetKind]);
      const versions = repos.versions.list(agent.id);
      const labels = new Map(versions.map((version) => [version.id, version.label]));
      const versionRows: VersionRow[] = versions.map((version) => ({
        label: version.label,
        number: version.number,
        contentHash: version.contentHash,
        createdBy: version.createdBy,
        createdAt: version.createdAt,
        runtimeVersion: version.runtimeVersion,
        activeOn: activeOn.get(version.id) ?? [],
        rollbackable: existsSync(path.join(plane.dataDir, 'bundles', agent.resourceName, version.contentHash, 'runtime')),
      }));
      const deploymentRows: DeploymentRow[] = deployments.map((deployment) => ({
        deploymentId: deployment.id,
        version: labels.get(deployment.versionId) ?? '?',
        target: deployment.targetKind,
        status: deployment.status,
        replicas: deployment.replicas,
        endpoint: deployment.endpoint ?? null,
        createdBy: deployment.createdBy,
        createdAt: deployment.createdAt,
        activatedAt: deployment.activatedAt ?? null,
        error: deployment.error ?? null,
      }));
      const shown = row?.deploymentId ? repos.deployments.get(row.deploymentId) : undefined;
      const version = shown ? repos.versions.get(shown.versionId) : repos.versions.latest(agent.id);
      const spec = version ? (JSON.parse(version.specJson) as { io_schema?: { input?: Record<string, unknown>; output?: Record<string, unknown> }; expose?: { streaming?: string } }) : undefined;
      if (!row) throw new CoreError('E2004', `No agent named ${name}.`);
      const detail: AgentDetail = {
        row,
        versions: versionRows,
        deployments: deploymentRows,
        dockfileYaml: version?.dockfileYaml ?? null,
        inputSchema: spec?.io_schema?.input ?? null,
        outputSchema: spec?.io_schema?.output ?? null,
        // The frozen spec has defaults applied (expose.streaming: sse), so absent means no spec.
        streaming: spec !== undefined && spec.expose?.streaming !== 'none',
        roles: agentRoles(repos, agent.id),
      };
      return detail;
    },

    'agents:lifecycle': async ({ agents, action, target }, { principal }) => {
      if (action === 'delete' && !roleAllows(principal.role, LIFECYCLE_DELETE_ROLE)) throw new ConsoleHandlerError('E3002', `Deleting agents needs the ${LIFECYCLE_DELETE_ROLE} role; ${principal.user} is ${principal.role}.`);
      const outcomes: LifecycleOutcome[] = [];
      // One at a time, each reported: a failure on one agent does not hide what happened to the rest.
      for (const agent of agents) {
        try {
          const done = await plane.operations().lifecycle(agent, action, { actor: principal.user, role: 'admin', ...(target ? { target } : {}) });
          outcomes.push(...done.map((outcome) => ({ agent: outcome.agent, target: outcome.target, version: outcome.version, ok: true })));
        } catch (error) {
          outcomes.push({ agent, target: target ?? 'process', version: '', ok: false, error: error instanceof CoreError ? `${error.code} ${error.message}` : errorMessage(error) });
        }
      }
      fleet.poke();
      return outcomes;
    },

    'agents:invoke': async ({ agent: name, input, target }, { signal }) => {
      const runtime = await activeRuntimeOf(plane, name, target);
      const started = performance.now();
      let response: Response;
      try {
        response = await fetch(`${runtime.endpoint}/invoke`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', [CONTROL_TOKEN_HEADER]: runtime.token },
          body: JSON.stringify(input),
          signal: AbortSignal.any([signal, AbortSignal.timeout(INVOKE_TIMEOUT_MS)]),
        });
      } catch (error) {
        if (signal.aborted) throw error;
        throw new CoreError('E2021', `Could not reach ${name} at ${runtime.endpoint}: ${errorMessage(error)}. See its logs.`);
      }
      const text = await response.text();
      let output: unknown = text;
      try {
        output = JSON.parse(text);
      } catch {
        // Not JSON (a proxy's HTML error page): shown as text.
      }
      return { status: response.status, durationMs: Math.round(performance.now() - started), output, traceId: response.headers.get('x-trace-id') };
    },

    'versions:dockfile': async ({ agent: name, version: label }) => {
      const agent = requireAgent(name);
      const version = repos.versions.findByLabel(agent.id, label.replace(/^v/, ''));
      if (!version) throw new CoreError('E2003', `${name} has no version ${label}.`);
      return { yaml: version.dockfileYaml };
    },
  };
}
