/**
 * The alert engine: evaluates samples against the rules, records what fired or resolved (state,
 * history, in-app notification and the pending deliveries, in one transaction per agent, so a
 * restart neither loses nor repeats an alert), then delivers. Deliveries run per channel in
 * order and across channels in parallel: a slow or failing channel delays nobody else, and
 * `process` itself never waits on a network.
 */
import type { Disposable } from '../contracts';
import type { StoreDatabase } from '../store/database';
import type { AlertChannels } from './alert-channels';
import { atLeast } from './alert-types';
import type { AgentHealthSample, AlertDecision } from './alert-types';
import type { AlertsRepository, DeliveryRecord } from './alerts-repository';
import type { ChannelMessage } from './channels/channel-types';
import type { ChannelRecord } from './channels-repository';
import { evaluateSample } from './evaluate';
import type { NotificationCenter } from './notification-center';
import type { Notification } from './notifications-repository';

export interface AlertEngineOptions {
  db: StoreDatabase;
  alerts: AlertsRepository;
  channels: AlertChannels;
  notifications: NotificationCenter;
  /** Pending deliveries older than this are given up rather than sent late (after a long shutdown); default 1 h. */
  maxPendingAgeMs?: number;
  /** Told about a sample that could not be recorded (e.g. an unknown agent id; the others go on) or a scheduled run that failed. */
  onError?: (error: unknown, sample?: AgentHealthSample) => void;
}

/** Where a run takes its samples (the lead wires telemetry in; monitoring.ts). */
export type SampleSource = () => readonly AgentHealthSample[] | Promise<readonly AgentHealthSample[]>;

/** What one run did. */
export interface AlertRun {
  decisions: AlertDecision[];
  deliveries: DeliveryRecord[];
}

/** Evaluates, records and delivers alerts. */
export class AlertEngine {
  private readonly inFlight = new Map<number, Promise<DeliveryRecord>>();
  private readonly timers = new Set<NodeJS.Timeout>();
  /** The scheduled or requested run in progress: there is never more than one. */
  private running: Promise<unknown> | undefined;
  /** Asked for by `runSoon` and not yet covered by a run that sampled after the request. */
  private requested: { source: SampleSource; ended: Promise<void>; end: () => void } | undefined;
  private soon: NodeJS.Immediate | undefined;
  private disposed = false;

  constructor(private readonly options: AlertEngineOptions) {}

  /** What `process` would decide now, without recording anything (pure over the stored state). */
  evaluate(samples: readonly AgentHealthSample[]): AlertDecision[] {
    const { alerts } = this.options;
    return samples.flatMap((sample) => {
      const states = alerts.states(sample.agentId);
      return evaluateSample(sample, alerts.rulesFor(sample.agentId), (rule) => states.get(rule));
    });
  }

  /**
   * Evaluates and records: per agent one transaction that reads the state, decides and writes
   * the outcome, so two processes evaluating at once cannot both fire the same alert. Listeners
   * hear of new notifications after the commit. Does not send anything (see deliverPending).
   */
  process(samples: readonly AgentHealthSample[]): AlertDecision[] {
    const { db, alerts, notifications } = this.options;
    const channels = this.options.channels.list().filter((channel) => channel.enabled);
    const decided: AlertDecision[] = [];
    const created: Notification[] = [];
    for (const sample of samples) {
      try {
        const result = db.write(() => {
          const states = alerts.states(sample.agentId);
          const decisions = evaluateSample(sample, alerts.rulesFor(sample.agentId), (rule) => states.get(rule));
          const notes: Notification[] = [];
          for (const decision of decisions) {
            const eventId = alerts.record(decision, decision.notify ? channels.filter((channel) => accepts(channel, decision)).map((channel) => channel.id) : []);
            if (decision.notify) notes.push(notifications.repository.insert(toNotification(decision, eventId)));
          }
          return { decisions, notes };
        });
        decided.push(...result.decisions);
        created.push(...result.notes);
      } catch (error) {
        this.options.onError?.(error, sample);
      }
    }
    notifications.publish(created);
    return decided;
  }

  /** Sends every pending delivery; resolves with their outcomes once all have one. */
  async deliverPending(): Promise<DeliveryRecord[]> {
    const { alerts } = this.options;
    const cutoff = this.options.db.clock() - (this.options.maxPendingAgeMs ?? 3_600_000);
    const byChannel = new Map<number, DeliveryRecord[]>();
    const given: DeliveryRecord[] = [];
    for (const delivery of alerts.pendingDeliveries()) {
      if (this.inFlight.has(delivery.id)) continue;
      if (Date.parse(delivery.createdAt) < cutoff) {
        given.push(alerts.finishDelivery(delivery.id, { ok: false, attempts: 0, error: 'expired: not sent in time (AgentDock was not running); see the alert history' }));
        continue;
      }
      const queue = byChannel.get(delivery.channelId) ?? [];
      queue.push(delivery);
      byChannel.set(delivery.channelId, queue);
    }
    const perChannel = [...byChannel].map(async ([channelId, queue]) => {
      const done: DeliveryRecord[] = [];
      for (const delivery of queue) done.push(await this.track(delivery.id, this.deliver(channelId, delivery)));
      return done;
    });
    return [...given, ...(await Promise.all(perChannel)).flat()];
  }

  /** process + deliverPending. */
  async run(samples: readonly AgentHealthSample[]): Promise<AlertRun> {
    const decisions = this.process(samples);
    return { decisions, deliveries: await this.deliverPending() };
  }

  /** Sends a test message to a channel and records the outcome like any delivery. */
  async test(channelName: string): Promise<DeliveryRecord> {
    const channel = this.options.channels.repository.require(channelName);
    const id = this.options.alerts.addTestDelivery(channel.id);
    const message: ChannelMessage = {
      kind: 'test',
      severity: 'info',
      title: `test message for channel ${channel.name}`,
      body: `If you can read this, AgentDock alerts reach this ${channel.kind === 'webhook' ? 'webhook' : 'mailbox'}.`,
      at: this.options.db.now(),
    };
    return this.track(id, this.options.channels.send(channel, message).then((result) => this.options.alerts.finishDelivery(id, result)));
  }

  /**
   * Every `intervalMs`, takes samples from `source` and runs them (the lead wires telemetry in
   * here). A run still going when the next is due is not doubled. Dispose to stop.
   */
  schedule(source: SampleSource, intervalMs: number): Disposable {
    const timer = setInterval(() => {
      if (!this.running) this.start(source);
    }, intervalMs);
    timer.unref();
    this.timers.add(timer);
    return {
      dispose: () => {
        clearInterval(timer);
        this.timers.delete(timer);
      },
    };
  }

  /**
   * Runs `source` now rather than at the next scheduled run: something just reported a threshold
   * (the runtime's budget event). Calls in the same turn of the event loop are one run; a call while
   * a run (scheduled or requested) is going makes one more run after it, since that run sampled
   * before the call. Never two runs at once; failures go to `onError`. Resolves once a run that
   * sampled after the call has ended (or the engine is disposed). Coalesced calls run the latest
   * `source`: pass the same one each time, and let it know what was asked for.
   */
  runSoon(source: SampleSource): Promise<void> {
    if (this.disposed) return Promise.resolve();
    if (this.requested) this.requested.source = source;
    else {
      let end!: () => void;
      const ended = new Promise<void>((resolve) => (end = resolve));
      this.requested = { source, ended, end };
    }
    if (!this.running && !this.soon) {
      this.soon = setImmediate(() => {
        this.soon = undefined;
        this.startRequested();
      });
    }
    return this.requested.ended;
  }

  /** Stops schedules and waits for deliveries in flight (they end within their timeouts), so the database can close. */
  async dispose(): Promise<void> {
    this.disposed = true;
    for (const timer of this.timers) clearInterval(timer);
    this.timers.clear();
    if (this.soon) clearImmediate(this.soon);
    this.soon = undefined;
    this.requested?.end();
    this.requested = undefined;
    await this.running;
    await Promise.allSettled([...this.inFlight.values()]);
  }

  /** Starts a run; it samples at once, so it covers every request made before it. */
  private start(source: SampleSource): void {
    const covered = this.requested;
    this.requested = undefined;
    this.running = (async () => this.run(await source()))()
      .catch((error: unknown) => this.options.onError?.(error))
      .finally(() => {
        this.running = undefined;
        covered?.end();
        this.startRequested();
      });
  }

  private startRequested(): void {
    if (this.disposed || this.running || !this.requested) return;
    this.start(this.requested.source);
  }

  private async deliver(channelId: number, delivery: DeliveryRecord): Promise<DeliveryRecord> {
    const { alerts, channels } = this.options;
    const channel = channels.repository.byId(channelId);
    const event = delivery.alertEventId !== null ? alerts.event(delivery.alertEventId) : undefined;
    if (!channel || !event) return alerts.finishDelivery(delivery.id, { ok: false, attempts: 0, error: 'the channel or the alert no longer exists' });
    if (!channel.enabled) return alerts.finishDelivery(delivery.id, { ok: false, attempts: 0, error: 'the channel was disabled before the alert was sent' });
    const message: ChannelMessage = { kind: event.kind, severity: event.severity, title: event.title, body: event.body, agentName: event.agentName, rule: event.rule, at: event.createdAt };
    return alerts.finishDelivery(delivery.id, await channels.send(channel, message));
  }

  private track(id: number, work: Promise<DeliveryRecord>): Promise<DeliveryRecord> {
    this.inFlight.set(id, work);
    return work.finally(() => this.inFlight.delete(id));
  }
}

/** Whether a channel wants this decision. */
function accepts(channel: ChannelRecord, decision: AlertDecision): boolean {
  return atLeast(decision.severity, channel.minSeverity) && (decision.kind === 'fired' || channel.sendResolved);
}

function toNotification(decision: AlertDecision, alertEventId: number): Parameters<NotificationCenter['notify']>[0] {
  return {
    agentId: decision.agentId,
    agentName: decision.agentName,
    source: `alert:${decision.rule}`,
    // A resolution is good news: shown, but not as loud as the alert was.
    severity: decision.kind === 'fired' ? decision.severity : 'info',
    title: decision.title,
    body: decision.body,
    data: { ...decision.data, rule: decision.rule, kind: decision.kind, alertEventId, ...(decision.reason ? { reason: decision.reason } : {}) },
  };
}
