/**
 * The fleet table's rows: each agent with its active deployment (the most recently activated when
 * it is active on several targets), live replica health from its target, and the last hour's
 * requests, p95, error rate and spend from the telemetry rollups (one query for the whole fleet).
 */
import type { AgentHealth, AgentRow } from '../../../src-shared/ipc/console-types';
import type { ControlPlane } from '../control-plane';
import { deploymentHealth } from '../health/health-status';
import type { Deployment } from '../store';

const HOUR_MS = 3_600_000;

/** Rows for every agent (or the named ids), in name order. */
export async function fleetRows(plane: ControlPlane, options: { agentIds?: readonly string[]; now?: number } = {}): Promise<AgentRow[]> {
  const repos = plane.repositories;
  const wanted = options.agentIds ? new Set(options.agentIds) : undefined;
  const agents = repos.agents.list().filter((agent) => !wanted || wanted.has(agent.id));
  const activeByAgent = new Map<string, Deployment>();
  for (const deployment of repos.deployments.list({ states: ['active'] })) {
    const current = activeByAgent.get(deployment.agentId);
    if (!current || (deployment.activatedAt ?? '') > (current.activatedAt ?? '')) activeByAgent.set(deployment.agentId, deployment);
  }
  const now = options.now ?? Date.now();
  const metrics = new Map(
    plane
      .telemetry()
      .metrics({ from: new Date(now - HOUR_MS).toISOString(), to: new Date(now).toISOString() }, { agentIds: agents.map((agent) => agent.id) })
      .map((entry) => [entry.agentId, entry]),
  );
  return Promise.all(
    agents.map(async (agent): Promise<AgentRow> => {
      const deployment = activeByAgent.get(agent.id);
      const live = deployment ? await plane.targets[deployment.targetKind]?.status(deployment.id).catch(() => undefined) : undefined;
      const replicas = live?.replicas ?? [];
      const health: AgentHealth = !deployment ? 'stopped' : live ? deploymentHealth(replicas, deployment.replicas) : 'unknown';
      const entry = metrics.get(agent.id);
      return {
        agentId: agent.id,
        agent: agent.name,
        target: deployment?.targetKind ?? null,
        version: deployment ? (repos.versions.get(deployment.versionId)?.label ?? null) : (repos.versions.latest(agent.id)?.label ?? null),
        deploymentId: deployment?.id ?? null,
        health,
        replicasReady: replicas.filter((replica) => replica.state === 'running').length,
        replicasWanted: deployment?.replicas ?? 0,
        endpoint: deployment?.endpoint ?? null,
        activeSince: deployment?.activatedAt ?? null,
        requests: entry?.requests ?? 0,
        p95Ms: entry?.p95Ms ?? null,
        errorRate: entry?.errorRate ?? null,
        spendUsd: entry?.budget.spentUsd ?? entry?.costUsd ?? 0,
        budgetPercent: entry?.budget.percent ?? null,
        budgetLimitUsd: entry?.budget.limitUsd ?? null,
      };
    }),
  ).then((rows) => rows.sort((a, b) => a.agent.localeCompare(b.agent)));
}
