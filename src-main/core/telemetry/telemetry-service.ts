/**
 * Telemetry for the whole fleet: follows every live replica's `/events` into the store and scrapes
 * its `/metrics`, picking up new replicas and dropping gone ones by polling the store and the
 * targets (and at once on `refresh()`); `sync()` is the CLI's one-shot catch-up. Fleet metrics
 * combine the stored rollups with the latest scrapes, whose budget gauges a later `budget` event
 * brings up to date (budget-events.ts). See README.md beside this file.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Disposable, Target, TargetKind } from '../contracts';
import { controlTokenOf, deploymentConfigDir } from '../controller/deployment-config';
import type { IngestEvent, Repositories } from '../store';
import type { BackoffPolicy } from './backoff';
import { budgetEventReading, currentBudgetGauges } from './budget-events';
import type { BudgetEventReading, BudgetGauges } from './budget-events';
import { fleetMetrics } from './fleet-metrics';
import type { AgentMetrics } from './fleet-metrics';
import { FOLLOWED_STATES, listFleetReplicas, runPool } from './fleet-replicas';
import { IngestBatcher } from './ingest-batcher';
import type { IngestTotals } from './ingest-batcher';
import { agentBudget, scrapeReplica } from './metrics-scraper';
import type { AgentBudget, ReplicaScrape } from './metrics-scraper';
import { ReplicaSubscription } from './replica-subscription';
import type { ConnectionOutcome, ReplicaRef, SubscriptionHooks, SubscriptionStats } from './replica-subscription';
import { stderrTelemetryLog } from './telemetry-log';
import type { TelemetryLog } from './telemetry-log';
import { errorMessage } from '../contracts';

export interface TelemetryServiceOptions {
  repositories: Repositories;
  targets: Partial<Record<TargetKind, Target>>;
  /** Where deployments' config dirs live (control tokens, runtime.json budgets). */
  dataDir: string;
  clock?: () => number;
  log?: TelemetryLog;
  /** How often the store and targets are polled for new and gone replicas, ms (default 5 s). */
  pollIntervalMs?: number;
  /** How often each replica's /metrics is scraped, ms (default 15 s). */
  scrapeIntervalMs?: number;
  batch?: { maxEvents?: number; maxDelayMs?: number };
  backoff?: BackoffPolicy;
  random?: () => number;
  /** A deployment's control token; default: its config dir's secrets.json. */
  controlToken?: (deploymentId: string) => Promise<string | undefined>;
}

/** What one `sync()` did. */
export interface SyncReport {
  replicas: number;
  inserted: number;
  duplicates: number;
  /** Events the runtimes no longer had (their replay buffer overflowed). */
  lost: number;
  /** Malformed events skipped. */
  dropped: number;
  problems: { source?: string; deploymentId?: string; message: string }[];
  durationMs: number;
}

export interface TelemetryStats {
  subscriptions: (SubscriptionStats & { source: string })[];
  ingest: IngestTotals;
  lost: number;
  dropped: number;
}

/** Follows the fleet's telemetry; `close()` stops everything it started. */
export class TelemetryService {
  private readonly subscriptions = new Map<string, ReplicaSubscription>();
  private readonly targetEventFeeds = new Map<string, Disposable>();
  private readonly latestScrapes = new Map<string, ReplicaScrape>();
  /** Each replica's last `budget` event: fresher than its scrape until the next one (budget-events.ts). */
  private readonly budgetEvents = new Map<string, BudgetEventReading>();
  /** Budget limit per replica from each followed deployment's runtime.json. */
  private readonly settingsLimits = new Map<string, number | undefined>();
  private agentOfDeployment = new Map<string, string>();
  private readonly batcher: IngestBatcher;
  private readonly log: TelemetryLog;
  private readonly clock: () => number;
  private readonly timers: NodeJS.Timeout[] = [];
  private running: Promise<void> | undefined;
  private queued: Promise<void> | undefined;
  private lostSoon: NodeJS.Timeout | undefined;
  private closed = false;
  /** Totals of subscriptions already stopped, so stats survive fleet changes. */
  private retired = { lost: 0, dropped: 0 };
  private readonly liveListeners = new Set<(events: readonly IngestEvent[]) => void>();
  /** Highest event id passed to live listeners per source: a resumed stream's replay is not shown twice. */
  private readonly liveSeen = new Map<string, number>();

  constructor(private readonly options: TelemetryServiceOptions) {
    this.log = options.log ?? stderrTelemetryLog;
    this.clock = options.clock ?? Date.now;
    this.batcher = new IngestBatcher({
      ingest: (events) => {
        const written = options.repositories.telemetry.ingest(events);
        markKeysUsed(options.repositories, events);
        return written;
      },
      log: this.log,
      ...options.batch,
    });
  }

  /** Starts following: an immediate refresh, then polling and scraping on their intervals. */
  start(): void {
    if (this.closed || this.timers.length) return;
    const poll = setInterval(() => this.refreshQuietly(), this.options.pollIntervalMs ?? 5000);
    const scrape = setInterval(() => void this.scrapeNow(), this.options.scrapeIntervalMs ?? 15_000);
    poll.unref();
    scrape.unref();
    this.timers.push(poll, scrape);
    void this.refresh()
      .then(() => this.scrapeNow())
      .catch((error: unknown) => this.log({ level: 'error', message: `telemetry: cannot list the fleet: ${errorMessage(error)}` }));
  }

  /**
   * A deployment changed (the console saw a deploy, rollback or lifecycle action, maybe by another
   * process): follow it now instead of at the next poll. Nothing happens unless started.
   */
  nudge(): void {
    if (this.timers.length > 0) this.refreshQuietly();
  }

  /** Re-reads the store and the targets now; subscribes to new replicas and drops gone ones. Calls coalesce. */
  refresh(): Promise<void> {
    if (this.queued) return this.queued;
    if (!this.running) {
      this.running = this.reconcile().finally(() => (this.running = undefined));
      return this.running;
    }
    this.queued = this.running.then(() => {
      this.queued = undefined;
      return this.refresh();
    });
    return this.queued;
  }

  /** Scrapes every followed replica's /metrics once. */
  async scrapeNow(): Promise<void> {
    await runPool([...this.subscriptions.values()], 16, async (subscription) => {
      const scrape = await scrapeReplica(subscription.ref, await this.token(subscription.ref.deploymentId), { clock: this.clock });
      if (this.subscriptions.get(subscription.ref.source) === subscription) this.latestScrapes.set(subscription.ref.source, scrape);
    });
  }

  /** One-shot catch-up for the CLI: drain every live replica's buffered events since the last stored one, scrape once, store, return. */
  async sync(options: { timeoutMs?: number; quietMs?: number } = {}): Promise<SyncReport> {
    const started = this.clock();
    const timeoutMs = options.timeoutMs ?? 5000;
    const quietMs = options.quietMs ?? 300;
    const before = { ...this.batcher.totals };
    const report: SyncReport = { replicas: 0, inserted: 0, duplicates: 0, lost: 0, dropped: 0, problems: [], durationMs: 0 };
    let fleet = await listFleetReplicas(this.options.repositories, this.options.targets);
    this.noteDeployments(fleet.deployments);
    await this.loadSettings(fleet.deployments.map((deployment) => deployment.id));
    for (const problem of fleet.problems) report.problems.push(problem);
    const drained = new Set<string>();
    // A replica that restarts during the sync shows up as superseded: ask its target again, once.
    for (let round = 0; round < 2; round++) {
      const superseded = new Set<string>();
      await runPool(
        fleet.replicas.filter((ref) => !drained.has(ref.source)),
        32,
        async (ref) => {
          drained.add(ref.source);
          report.replicas += 1;
          const subscription = new ReplicaSubscription(ref, this.hooks(ref, { follow: false }));
          const [outcome, scrape] = await Promise.all([subscription.drain({ timeoutMs, quietMs }), scrapeReplica(ref, await this.token(ref.deploymentId), { clock: this.clock })]);
          this.latestScrapes.set(ref.source, scrape);
          report.lost += subscription.stats.lost;
          report.dropped += sum(subscription.stats.dropped);
          if (outcome === 'superseded') superseded.add(ref.deploymentId);
          else if (problemOutcome(outcome) && subscription.stats.lastError) report.problems.push({ source: ref.source, message: subscription.stats.lastError });
        },
      );
      if (superseded.size === 0) break;
      fleet = await listFleetReplicas(this.options.repositories, this.options.targets, { deploymentIds: superseded });
    }
    this.batcher.flush();
    report.inserted = this.batcher.totals.inserted - before.inserted;
    report.duplicates = this.batcher.totals.duplicates - before.duplicates;
    report.durationMs = this.clock() - started;
    return report;
  }

  /** Reads the live deployments' budget limits (runtime.json) without contacting any replica: budgets for `--no-sync`. */
  async readSettings(): Promise<void> {
    const deployments = this.options.repositories.deployments.list({ states: FOLLOWED_STATES });
    this.noteDeployments(deployments);
    await this.loadSettings(deployments.map((deployment) => deployment.id));
  }

  /** Latest /metrics readings, one per replica process. */
  scrapes(): ReplicaScrape[] {
    return [...this.latestScrapes.values()];
  }

  /** An agent's budget from the latest scrapes of its replicas (limit from runtime.json when the gauges have none). */
  budget(agentId: string): AgentBudget {
    return this.budgets().get(agentId) ?? agentBudget([], undefined);
  }

  /** Metrics of every live agent (or `agentIds`) over the window, with budgets and projections. */
  metrics(window: { from: string; to: string }, options: { agentIds?: readonly string[] } = {}): AgentMetrics[] {
    this.batcher.flush();
    const budgets = this.budgets();
    return fleetMetrics(this.options.repositories, window, (agentId) => budgets.get(agentId), { now: this.clock(), ...options });
  }

  /** Writes buffered events now. */
  flush(): void {
    this.batcher.flush();
  }

  stats(): TelemetryStats {
    const subscriptions = [...this.subscriptions.values()].map((subscription) => ({ source: subscription.ref.source, ...subscription.stats, dropped: { ...subscription.stats.dropped } }));
    return {
      subscriptions,
      ingest: { ...this.batcher.totals },
      lost: this.retired.lost + subscriptions.reduce((total, subscription) => total + subscription.lost, 0),
      dropped: this.retired.dropped + subscriptions.reduce((total, subscription) => total + sum(subscription.dropped), 0),
    };
  }

  /** Stops polling, scraping and every subscription, and writes what is buffered. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const timer of this.timers.splice(0)) clearInterval(timer);
    if (this.lostSoon) clearTimeout(this.lostSoon);
    await this.running?.catch(() => undefined);
    await Promise.all([...this.subscriptions.values()].map((subscription) => this.retire(subscription)));
    for (const feed of this.targetEventFeeds.values()) feed.dispose();
    this.targetEventFeeds.clear();
    this.batcher.close();
  }

  private async reconcile(): Promise<void> {
    if (this.closed) return;
    const fleet = await listFleetReplicas(this.options.repositories, this.options.targets);
    if (this.closed) return;
    this.noteDeployments(fleet.deployments);
    for (const problem of fleet.problems) this.log({ level: 'warn', message: `telemetry: cannot list the replicas of deployment ${problem.deploymentId}: ${problem.message}`, deploymentId: problem.deploymentId });
    this.followTargetEvents(fleet.deployments);
    const wanted = new Map(fleet.replicas.map((ref) => [ref.source, ref]));
    const gone = [...this.subscriptions.values()].filter((subscription) => !wanted.has(subscription.ref.source));
    await Promise.all(gone.map((subscription) => this.retire(subscription)));
    await this.loadSettings(fleet.deployments.map((deployment) => deployment.id).filter((id) => !this.settingsLimits.has(id)));
    if (this.closed) return;
    for (const [source, ref] of wanted) {
      if (this.subscriptions.has(source)) continue;
      const subscription = new ReplicaSubscription(ref, this.hooks(ref, { follow: true }));
      this.subscriptions.set(source, subscription);
      subscription.start();
    }
  }

  /** Events the targets report themselves (Kubernetes Events), one feed per followed deployment, stored as `target_event`. */
  private followTargetEvents(deployments: readonly { id: string; agentId: string; targetKind: TargetKind }[]): void {
    const wanted = new Set(deployments.map((deployment) => deployment.id));
    for (const [deploymentId, feed] of this.targetEventFeeds) {
      if (wanted.has(deploymentId)) continue;
      feed.dispose();
      this.targetEventFeeds.delete(deploymentId);
    }
    for (const deployment of deployments) {
      const target = this.options.targets[deployment.targetKind];
      if (this.targetEventFeeds.has(deployment.id) || !target?.followEvents) continue;
      const feed = target.followEvents(deployment.id, (event) => {
        const { id, time, ...data } = event;
        const ingest: IngestEvent = { agentId: deployment.agentId, deploymentId: deployment.id, source: `target:${deployment.id}`, eventId: id, type: 'target_event', time, data: { target: deployment.targetKind, ...data } };
        this.batcher.add([ingest]);
        this.fanOut([ingest]);
      });
      this.targetEventFeeds.set(deployment.id, feed);
    }
  }

  private async retire(subscription: ReplicaSubscription): Promise<void> {
    this.subscriptions.delete(subscription.ref.source);
    this.latestScrapes.delete(subscription.ref.source);
    this.budgetEvents.delete(subscription.ref.source);
    await subscription.stop();
    this.retired.lost += subscription.stats.lost;
    this.retired.dropped += sum(subscription.stats.dropped);
  }

  private hooks(ref: ReplicaRef, options: { follow: boolean }): SubscriptionHooks {
    const { repositories } = this.options;
    return {
      token: () => this.token(ref.deploymentId),
      lastStored: (source) => {
        // Events of this source may still sit in the batcher: write them first.
        this.batcher.flush();
        return repositories.telemetry.lastEvent(source);
      },
      deliver: (events) => {
        this.noteBudgetEvents(events);
        this.batcher.add(events);
        this.fanOut(events);
      },
      log: this.log,
      ...(this.options.backoff ? { backoff: this.options.backoff } : {}),
      ...(this.options.random ? { random: this.options.random } : {}),
      ...(options.follow
        ? {
            onSuperseded: () => this.refreshQuietly(),
            onConnectionLost: () => this.refreshSoon(),
          }
        : {}),
    };
  }

  /**
   * Events as they arrive from the runtimes, before the batch is stored, each once: the live
   * panels show an event within the SSE hop, not after the next ingest flush.
   */
  onEvents(listener: (events: readonly IngestEvent[]) => void): { dispose(): void } {
    this.liveListeners.add(listener);
    return { dispose: () => this.liveListeners.delete(listener) };
  }

  private fanOut(events: readonly IngestEvent[]): void {
    if (this.liveListeners.size === 0) return;
    const fresh = events.filter((event) => {
      if (event.eventId <= (this.liveSeen.get(event.source) ?? 0)) return false;
      this.liveSeen.set(event.source, event.eventId);
      return true;
    });
    if (fresh.length === 0) return;
    for (const listener of this.liveListeners) {
      try {
        listener(fresh);
      } catch (error) {
        this.log({ level: 'error', message: `telemetry: a live listener failed: ${errorMessage(error)}` });
      }
    }
  }

  /** A background refresh: a failure (the store closing, a target throwing) is logged, never unhandled. */
  private refreshQuietly(): void {
    this.refresh().catch((error: unknown) => {
      if (!this.closed) this.log({ level: 'error', message: `telemetry: cannot list the fleet: ${errorMessage(error)}` });
    });
  }

  private refreshSoon(): void {
    if (this.lostSoon || this.closed) return;
    this.lostSoon = setTimeout(() => {
      this.lostSoon = undefined;
      this.refreshQuietly();
    }, 250);
    this.lostSoon.unref();
  }

  private token(deploymentId: string): Promise<string | undefined> {
    return this.options.controlToken ? this.options.controlToken(deploymentId) : controlTokenOf(deploymentConfigDir(this.options.dataDir, deploymentId));
  }

  private noteDeployments(deployments: readonly { id: string; agentId: string }[]): void {
    this.agentOfDeployment = new Map(deployments.map((deployment) => [deployment.id, deployment.agentId]));
  }

  private async loadSettings(deploymentIds: readonly string[]): Promise<void> {
    await runPool(deploymentIds, 16, async (deploymentId) => {
      try {
        const settings = JSON.parse(await readFile(path.join(deploymentConfigDir(this.options.dataDir, deploymentId), 'runtime.json'), 'utf8')) as { budget?: { limitUsd?: unknown } };
        const limit = settings.budget?.limitUsd;
        this.settingsLimits.set(deploymentId, typeof limit === 'number' && Number.isFinite(limit) && limit >= 0 ? limit : undefined);
      } catch {
        this.settingsLimits.set(deploymentId, undefined);
      }
    });
  }

  /** Before listeners hear of a budget event, so an alert run it triggers reads the spend the runtime reported. */
  private noteBudgetEvents(events: readonly IngestEvent[]): void {
    const receivedAt = new Date(this.clock()).toISOString();
    for (const event of events) {
      const reading = budgetEventReading(event, receivedAt);
      if (reading) this.budgetEvents.set(event.source, reading);
    }
  }

  private budgets(): Map<string, AgentBudget> {
    const gaugesByAgent = new Map<string, BudgetGauges[]>();
    for (const source of new Set([...this.latestScrapes.keys(), ...this.budgetEvents.keys()])) {
      const gauges = currentBudgetGauges(this.latestScrapes.get(source), this.budgetEvents.get(source));
      if (!gauges) continue;
      const list = gaugesByAgent.get(gauges.agentId);
      if (list) list.push(gauges);
      else gaugesByAgent.set(gauges.agentId, [gauges]);
    }
    const limitByAgent = new Map<string, number>();
    for (const [deploymentId, agentId] of this.agentOfDeployment) {
      const limit = this.settingsLimits.get(deploymentId);
      if (limit !== undefined) limitByAgent.set(agentId, limit);
    }
    const agents = new Set([...gaugesByAgent.keys(), ...limitByAgent.keys()]);
    return new Map([...agents].map((agentId) => [agentId, agentBudget(gaugesByAgent.get(agentId) ?? [], limitByAgent.get(agentId))]));
  }
}

function problemOutcome(outcome: ConnectionOutcome): boolean {
  return outcome === 'unauthorized' || outcome === 'failed';
}

function sum(counts: Partial<Record<string, number>>): number {
  return Object.values(counts).reduce<number>((total, count) => total + (count ?? 0), 0);
}

/**
 * The console's "last used" of API keys: a run's `run_start` names the key that authenticated it
 * (`subject`, the key's id). One write per key per batch, the latest time.
 */
function markKeysUsed(repositories: Repositories, events: readonly IngestEvent[]): void {
  const latest = new Map<string, string>();
  for (const event of events) {
    const subject = event.type === 'run_start' ? event.data.subject : undefined;
    if (typeof subject !== 'string' || !subject.startsWith('key_')) continue;
    if ((latest.get(subject) ?? '') < event.time) latest.set(subject, event.time);
  }
  for (const [id, time] of latest) repositories.apiKeys.markUsed(id, time);
}
