/**
 * One replica process's `/events`, followed for as long as the service wants it: connect with
 * the control token, resume after the last stored event, check the stream really is the process
 * this source names, hand events to the batcher, reconnect with backoff and jitter. README.md
 * beside this file explains the identity and resume rules.
 */
import type { IngestEvent } from '../store/telemetry-repository';
import { backoffDelayMs } from '../backoff';
import { DEFAULT_BACKOFF, sleep } from './backoff';
import type { BackoffPolicy } from './backoff';
import { streamEvents } from './event-stream-client';
import type { EventStreamEnd } from './event-stream-client';
import { parseFrame } from './runtime-event';
import type { DropReason } from './runtime-event';
import type { SseFrame } from './sse-parser';
import type { TelemetryLog } from './telemetry-log';

/** A live replica process, as the service found it in the store and the target. */
export interface ReplicaRef {
  deploymentId: string;
  agentId: string;
  replicaId: string;
  endpoint: string;
  /** The process's start time (or pid/container id): ids restart with a process. */
  processKey: string;
  /** `<deploymentId>/<replicaId>@<processKey>`: IngestEvent.source. */
  source: string;
}

/** The last event of a source: its id and time (the time tells two processes' event n apart). */
export interface EventMark {
  eventId: number;
  time: string;
}

export interface SubscriptionHooks {
  /** The deployment's control token now (re-read each connect: a redeploy writes a new one). */
  token(): Promise<string | undefined>;
  /** The newest stored event of a source. */
  lastStored(source: string): EventMark | undefined;
  deliver(events: IngestEvent[]): void;
  log: TelemetryLog;
  /** The stream proved this source names another process than the one serving: re-poll the target. */
  onSuperseded?(ref: ReplicaRef): void;
  /** The connection failed: the replica may have moved (restart on another port). */
  onConnectionLost?(ref: ReplicaRef): void;
  backoff?: BackoffPolicy;
  random?: () => number;
}

export type SubscriptionState = 'idle' | 'connecting' | 'open' | 'waiting' | 'unauthorized' | 'superseded' | 'stopped';

/** What one subscription saw. */
export interface SubscriptionStats {
  state: SubscriptionState;
  connects: number;
  received: number;
  delivered: number;
  dropped: Partial<Record<DropReason, number>>;
  /** Events the runtime no longer had when we resumed (its ring overflowed while we were away). */
  lost: number;
  lastError?: string;
}

/** How one connection ended, from the subscription's point of view. */
export type ConnectionOutcome = 'ended' | 'aborted' | 'unauthorized' | 'superseded' | 'failed';

/** Follows (or drains once) one replica process's event stream. */
export class ReplicaSubscription {
  readonly stats: SubscriptionStats = { state: 'idle', connects: 0, received: 0, delivered: 0, dropped: {}, lost: 0 };
  private last: EventMark | undefined;
  private readonly stopping = new AbortController();
  private current: AbortController | undefined;
  private loop: Promise<void> | undefined;
  private readonly loggedReasons = new Set<string>();
  private lastLoggedError: string | undefined;

  constructor(
    readonly ref: ReplicaRef,
    private readonly hooks: SubscriptionHooks,
  ) {}

  /** Starts following; reconnects until `stop()`. */
  start(): void {
    this.loop ??= this.follow();
  }

  /** Connects once and returns when the stream has been quiet for `quietMs` after the replay, or at `timeoutMs`. */
  async drain(options: { timeoutMs: number; quietMs: number }): Promise<ConnectionOutcome> {
    const controller = new AbortController();
    const deadline = setTimeout(() => controller.abort(), options.timeoutMs);
    let quiet: NodeJS.Timeout | undefined;
    const rearm = (): void => {
      if (quiet) clearTimeout(quiet);
      quiet = setTimeout(() => controller.abort(), options.quietMs);
    };
    try {
      return await this.connectOnce(controller, { onOpen: rearm, onActivity: rearm });
    } finally {
      clearTimeout(deadline);
      if (quiet) clearTimeout(quiet);
    }
  }

  /** Stops following and closes the connection. */
  async stop(): Promise<void> {
    this.stopping.abort();
    this.current?.abort();
    await this.loop;
    this.stats.state = 'stopped';
  }

  private async follow(): Promise<void> {
    const policy = this.hooks.backoff ?? DEFAULT_BACKOFF;
    let attempt = 0;
    while (!this.stopping.signal.aborted) {
      const deliveredBefore = this.stats.delivered;
      const outcome = await this.connectOnce(new AbortController(), {});
      if (this.stopping.signal.aborted) break;
      if (this.stats.delivered > deliveredBefore) attempt = 0;
      let delay: number;
      if (outcome === 'unauthorized') delay = policy.maxMs;
      else {
        if (outcome === 'superseded') this.hooks.onSuperseded?.(this.ref);
        if (outcome === 'failed') this.hooks.onConnectionLost?.(this.ref);
        delay = backoffDelayMs(policy, attempt + 1, this.hooks.random);
        attempt += 1;
      }
      if (outcome !== 'unauthorized' && outcome !== 'superseded') this.stats.state = 'waiting';
      await sleep(delay, this.stopping.signal);
    }
    this.stats.state = 'stopped';
  }

  private async connectOnce(controller: AbortController, events: { onOpen?: () => void; onActivity?: () => void }): Promise<ConnectionOutcome> {
    this.current = controller;
    const onStop = (): void => controller.abort();
    this.stopping.signal.addEventListener('abort', onStop, { once: true });
    try {
      this.stats.state = 'connecting';
      const token = await this.hooks.token().catch(() => undefined);
      if (token === undefined) {
        this.fail('unauthorized', `no control token for deployment ${this.ref.deploymentId} (its config dir has no secrets.json controlToken): redeploy the agent so the runtime and the console share one`);
        return 'unauthorized';
      }
      const resumeFrom = this.last ?? this.hooks.lastStored(this.ref.source);
      let outcome: ConnectionOutcome | undefined;
      const handler = new FrameHandler(this, resumeFrom, (result) => {
        outcome = result;
        controller.abort();
      });
      this.stats.connects += 1;
      const end: EventStreamEnd = await streamEvents({
        endpoint: this.ref.endpoint,
        token,
        // n-1, so the first replayed event is n, whose stored time proves it is the same process.
        lastEventId: resumeFrom ? resumeFrom.eventId - 1 : 0,
        signal: controller.signal,
        onOpen: () => {
          this.stats.state = 'open';
          this.lastLoggedError = undefined;
          events.onOpen?.();
        },
        onActivity: events.onActivity,
        onFrame: (frame) => handler.frame(frame),
      });
      if (outcome) return outcome;
      switch (end.kind) {
        case 'ended':
          return 'ended';
        case 'aborted':
          return 'aborted';
        case 'http_error':
          if (end.status === 401 || end.status === 403) {
            this.fail('unauthorized', `the runtime at ${this.ref.endpoint} refused the control token (${end.status} ${end.detail}); the deployment's config dir and the running replica disagree: redeploy or restart the agent`);
            return 'unauthorized';
          }
          this.fail('waiting', `GET ${this.ref.endpoint}/events answered ${end.status}: ${end.detail}`);
          return 'failed';
        default:
          this.fail('waiting', `cannot reach ${this.ref.endpoint}/events: ${end.message}`, 'warn');
          return 'failed';
      }
    } finally {
      this.stopping.signal.removeEventListener('abort', onStop);
      if (this.current === controller) this.current = undefined;
    }
  }

  /** Called by the frame handler for every event that passed the checks. */
  accept(event: IngestEvent): void {
    this.last = { eventId: event.eventId, time: event.time };
    this.stats.delivered += 1;
    this.hooks.deliver([event]);
  }

  /** Counts a malformed frame; logs the first of each reason. */
  drop(reason: DropReason, detail: string): void {
    this.stats.dropped[reason] = (this.stats.dropped[reason] ?? 0) + 1;
    if (this.loggedReasons.has(reason)) return;
    this.loggedReasons.add(reason);
    this.hooks.log({ level: 'warn', message: `telemetry: dropped a malformed event from ${this.ref.source} (${reason}: ${detail}); further ones are only counted`, source: this.ref.source, reason });
  }

  /** Counts events the runtime could no longer replay. */
  lose(count: number, detail: string): void {
    if (count <= 0) return;
    this.stats.lost += count;
    this.hooks.log({ level: 'warn', message: `telemetry: ${count} event(s) of ${this.ref.source} were lost: ${detail}`, source: this.ref.source, lost: count });
  }

  /** Logs a connection problem once per distinct message. */
  fail(state: SubscriptionState, message: string, level: 'warn' | 'error' = 'error'): void {
    this.stats.state = state;
    this.stats.lastError = message;
    if (this.lastLoggedError === message) return;
    this.lastLoggedError = message;
    this.hooks.log({ level: state === 'unauthorized' ? 'error' : level, message: `telemetry: ${message}`, source: this.ref.source });
  }
}

/** The checks of one connection: identity verification, reset handling, gaps, duplicates. */
class FrameHandler {
  private verified: boolean;
  /** Set when the next event may not follow on: events after this id and before it are lost. */
  private lossFrom: number | undefined;
  /** The newest event id this connection has (stored or delivered). */
  private last: number | undefined;
  private ended = false;

  constructor(
    private readonly subscription: ReplicaSubscription,
    private readonly expected: EventMark | undefined,
    private readonly end: (outcome: ConnectionOutcome) => void,
  ) {
    this.verified = expected === undefined;
    this.last = expected?.eventId;
    // Nothing stored: everything from event 1 on is wanted; if the first is later, 1… are gone.
    this.lossFrom = expected === undefined ? 0 : undefined;
  }

  frame(frame: SseFrame): void {
    // Frames parsed from the same chunk after we gave up on this connection.
    if (this.ended) return;
    const parsed = parseFrame(frame);
    const sub = this.subscription;
    const ref = sub.ref;
    switch (parsed.kind) {
      case 'ignored':
        return;
      case 'invalid': {
        sub.stats.received += 1;
        // A malformed event with a readable id is dropped, not lost: it must not look like a gap.
        const id = Number(frame.id);
        if (frame.id !== undefined && Number.isSafeInteger(id) && id > 0 && this.verified) this.advance(id);
        return sub.drop(parsed.reason, parsed.detail);
      }
      case 'dropped':
        sub.fail('waiting', `the runtime at ${ref.endpoint} closed the stream (${parsed.reason}); resuming`, 'warn');
        return;
      case 'reset':
        if (parsed.requestedId < 0 || parsed.lastId < parsed.requestedId) return this.superseded(`it has only ${parsed.lastId} events, fewer than the ${parsed.requestedId + 1} stored`);
        this.verified = true;
        this.lossFrom = this.expected?.eventId ?? parsed.requestedId;
        return;
      case 'event': {
        sub.stats.received += 1;
        const event = parsed.event;
        if (!this.verified && this.expected) {
          if (event.id === this.expected.eventId) {
            if (event.time !== this.expected.time) return this.superseded(`its event ${event.id} is from ${event.time}, the stored one from ${this.expected.time}`);
            this.verified = true;
            this.last = event.id;
            return; // already stored
          }
          this.verified = true;
          this.lossFrom = this.expected.eventId;
        }
        if (!this.advance(event.id)) return;
        sub.accept({
          agentId: ref.agentId,
          deploymentId: ref.deploymentId,
          source: ref.source,
          eventId: event.id,
          type: event.type,
          ...(event.traceId !== undefined ? { traceId: event.traceId } : {}),
          time: event.time,
          data: event.data,
        });
      }
    }
  }

  /** Moves past event `id`, counting any gap before it as lost; false when `id` was already seen. */
  private advance(id: number): boolean {
    const sub = this.subscription;
    if (this.lossFrom !== undefined) {
      sub.lose(id - this.lossFrom - 1, `the runtime's replay buffer no longer held events ${this.lossFrom + 1}–${id - 1} when the console resumed`);
      this.lossFrom = undefined;
    } else if (this.last !== undefined && id > this.last + 1) {
      sub.lose(id - this.last - 1, `the stream skipped from ${this.last} to ${id}`);
    }
    if (this.last !== undefined && id <= this.last) return false;
    this.last = id;
    return true;
  }

  private superseded(why: string): void {
    this.ended = true;
    const sub = this.subscription;
    sub.fail('superseded', `${sub.ref.endpoint} is no longer the process ${sub.ref.source} names (${why}); asking the target for the current one`, 'warn');
    this.end('superseded');
  }
}
