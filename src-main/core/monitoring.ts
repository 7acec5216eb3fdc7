/**
 * What a long-lived control plane (the desktop app, serve mode) runs in the background: telemetry
 * ingest from every runtime, agent health from replica readiness with a notification on each
 * transition, the alert rules over the last minutes of telemetry, and notifications straight from
 * runtime events (circuit breakers, PII: alerts/runtime-event-notifications.ts). The CLI does not
 * run this: it syncs telemetry on demand (`agentdock metrics export`).
 *
 * Decisions:
 * - Health is polled from the targets (every `healthIntervalMs`), classified by
 *   `deploymentHealth` (≥ 80 % ready healthy, ≥ 50 % degraded), and only transitions are
 *   reported; the first observation of an agent after start-up is a baseline, not a transition.
 * - Alert samples cover a sliding window (`alertWindowMs`, default 5 min); the budget period is the
 *   active deployment: each runtime meters its own spend from its start, so a new deployment
 *   starts a new period and re-arms the budget rules. A model call the runtime refused for budget
 *   in the period counts as the budget exhausted (100 %), even when spend stopped just short.
 * - Budget thresholds are also evaluated the moment a runtime reports one (a `budget` event of
 *   level warning, exceeded or blocked), not at the next alert tick: seed 002 #24 wants the alert
 *   within a second. Same samples (of the agents that reported), same rules, same kind of run
 *   (deliveries included); the telemetry service has already taken the event's spend and limit
 *   as the replica's budget gauges.
 */
import type { Disposable } from './contracts';
import type { ControlPlane } from './control-plane';
import type { AgentHealthSample } from './alerts';
import type { IngestEvent } from './store';
import { notifyRuntimeEvents } from './alerts/runtime-event-notifications';
import { deploymentHealth, HealthTracker } from './health/health-status';
import type { AgentHealth } from './health/health-status';
import { agentNameLookup } from './store';

export interface MonitoringOptions {
  healthIntervalMs?: number;
  alertIntervalMs?: number;
  alertWindowMs?: number;
  clock?: () => number;
  onError?: (error: unknown) => void;
}

const SEVERITY: Record<AgentHealth, 'info' | 'warning' | 'critical'> = { healthy: 'info', degraded: 'warning', unhealthy: 'critical', stopped: 'info', suspended: 'info' };

/** The runtime's budget event levels that say a threshold was reached (budget.ts); `limit_changed` re-arms at the next tick. */
const THRESHOLD_LEVELS: ReadonlySet<unknown> = new Set(['warning', 'exceeded', 'blocked']);

const reportsBudgetThreshold = (event: IngestEvent): boolean => event.type === 'budget' && THRESHOLD_LEVELS.has(event.data.level);

/** Starts ingest, health tracking and alerting; dispose stops them (the plane's close() also stops ingest). */
export function startMonitoring(plane: ControlPlane, options: MonitoringOptions = {}): Disposable & { checkHealth(): Promise<void>; checkAlerts(): Promise<void> } {
  const clock = options.clock ?? Date.now;
  const onError = options.onError ?? (() => undefined);
  const alertWindowMs = options.alertWindowMs ?? 5 * 60_000;
  const telemetry = plane.telemetry();
  const alerts = plane.alerts();
  telemetry.start();
  const tracker = new HealthTracker();
  const seen = new Set<string>();
  let checking: Promise<void> | undefined;

  const checkHealth = async (): Promise<void> => {
    const repos = plane.repositories;
    const active = repos.deployments.list({ states: ['active'] });
    const live = new Set<string>();
    for (const deployment of active) {
      live.add(deployment.id);
      const status = await plane.targets[deployment.targetKind]?.status(deployment.id).catch(() => undefined);
      const replicas = status?.replicas ?? [];
      const health = deploymentHealth(replicas, deployment.replicas);
      const ready = replicas.filter((replica) => replica.state === 'running').length;
      const transition = tracker.observe(deployment.id, ready, deployment.replicas, health);
      const first = !seen.has(deployment.id);
      seen.add(deployment.id);
      if (!transition || first) continue;
      const agent = repos.agents.get(deployment.agentId);
      const version = repos.versions.get(deployment.versionId)?.label ?? '?';
      const name = agent?.name ?? deployment.agentId;
      alerts.notifications.notify({
        agentId: deployment.agentId,
        agentName: name,
        source: 'health',
        severity: SEVERITY[transition.to],
        title: `${name} is ${transition.to}`,
        body: `${name} ${version} on ${deployment.targetKind}: ${ready} of ${deployment.replicas} replica(s) ready (was ${transition.from ?? 'unknown'}).`,
        data: { deploymentId: deployment.id, from: transition.from ?? null, to: transition.to, ready, wanted: deployment.replicas },
      });
    }
    for (const id of seen) {
      if (live.has(id)) continue;
      seen.delete(id);
      tracker.forget(id);
    }
  };

  /** Samples of every agent, or of `agentIds`. */
  const samples = (agentIds?: readonly string[]): AgentHealthSample[] => {
    const now = clock();
    const window = { from: new Date(now - alertWindowMs).toISOString(), to: new Date(now).toISOString() };
    const active = new Map(plane.repositories.deployments.list({ states: ['active'] }).map((deployment) => [deployment.agentId, deployment]));
    return telemetry.metrics(window, agentIds ? { agentIds } : {}).map((metrics) => ({
      agentId: metrics.agentId,
      agentName: metrics.agent,
      at: window.to,
      windowMs: alertWindowMs,
      requests: metrics.requests,
      errors: metrics.errors,
      errorRate: metrics.errorRate,
      p95Ms: metrics.p95Ms,
      spendUsd: metrics.budget.limitUsd !== null && budgetRefused(metrics.agentId, active.get(metrics.agentId)?.activatedAt) ? Math.max(metrics.budget.spentUsd, metrics.budget.limitUsd) : metrics.budget.spentUsd,
      budgetLimitUsd: metrics.budget.limitUsd,
      ...(active.has(metrics.agentId) ? { budgetPeriod: active.get(metrics.agentId)!.id } : {}),
    }));
  };

  // The runtime refuses a model call whose estimate exceeds what is left, so spend can stop short
  // of the limit (89 % with 16-token calls) while the agent can no longer call its model: a
  // refusal in the current period counts as the budget exhausted.
  const budgetRefused = (agentId: string, since: string | undefined): boolean =>
    since !== undefined && plane.repositories.telemetry.events(agentId, { types: ['budget'], from: since, data: { level: 'blocked' }, limit: 1 }).length > 0;

  const healthTimer = setInterval(() => {
    checking ??= checkHealth()
      .catch(onError)
      .finally(() => (checking = undefined));
  }, options.healthIntervalMs ?? 5000);
  healthTimer.unref();
  const alerting = alerts.engine.schedule(samples, options.alertIntervalMs ?? 15_000);
  // What the next requested run evaluates: the agents whose runtime reported a budget threshold,
  // or everyone (checkAlerts). Only those agents, because a refused call repeats its event on every
  // call: a whole-fleet run per event would keep the main process busy.
  const requested = { everyone: false, agentIds: new Set<string>() };
  const requestedSamples = (): AgentHealthSample[] => {
    const agentIds = requested.everyone ? undefined : [...requested.agentIds];
    requested.everyone = false;
    requested.agentIds.clear();
    return samples(agentIds);
  };
  const budgetThresholds = telemetry.onEvents((events) => {
    const reported = events.filter(reportsBudgetThreshold);
    for (const event of reported) requested.agentIds.add(event.agentId);
    if (reported.length > 0) void alerts.engine.runSoon(requestedSamples);
  });
  const eventNotifications = notifyRuntimeEvents(telemetry, alerts.notifications, { agentName: agentNameLookup(plane.repositories.agents), clock });
  void checkHealth().catch(onError);
  return {
    checkHealth,
    checkAlerts() {
      requested.everyone = true;
      return alerts.engine.runSoon(requestedSamples);
    },
    dispose() {
      clearInterval(healthTimer);
      alerting.dispose();
      budgetThresholds.dispose();
      eventNotifications.dispose();
    },
  };
}
