/**
 * The runtime's telemetry stream: every module emits here, the admin `/events` SSE endpoint, the
 * logger's console tail and the exporters subscribe. `emit` sits on the request hot path, so it
 * only stamps, stores and hands the event over; serialization is the subscribers' business.
 * Events live in a bounded ring buffer so a console that reconnects with `Last-Event-ID` can
 * catch up, and memory stays flat however long the replica runs.
 */
import type { EventSink, TelemetryEvent, TelemetryEventType } from '../contracts';

export type TelemetryListener = (event: TelemetryEvent) => void;

export interface EventBusOptions {
  agent: string;
  version: string;
  /** Events kept for replay; older ones fall out (and a resume from them reports a gap). */
  capacity?: number;
  /** Milliseconds since the epoch; injected so tests control `time`. */
  clock?: () => number;
}

/** What the SSE handler needs from a bus. */
export interface ReplayableEventSource {
  since(lastEventId: number): TelemetryEvent[] | 'gap';
  retained(): TelemetryEvent[];
  subscribe(listener: TelemetryListener): () => void;
  readonly lastId: number;
}

/** In-process event stream with monotonic ids and a bounded replay buffer. */
export class EventBus implements EventSink, ReplayableEventSource {
  readonly agent: string;
  readonly version: string;
  readonly capacity: number;
  private readonly clock: () => number;
  private readonly ring: Array<TelemetryEvent | undefined>;
  private nextId = 1;
  /** Replaced, never mutated, on (un)subscribe so `emit` can iterate without copying. */
  private listeners: readonly TelemetryListener[] = [];
  private failures = 0;

  constructor({ agent, version, capacity = 10_000, clock = Date.now }: EventBusOptions) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`EventBus capacity must be a positive integer, got ${capacity}`);
    this.agent = agent;
    this.version = version;
    this.capacity = capacity;
    this.clock = clock;
    this.ring = new Array<TelemetryEvent | undefined>(capacity);
  }

  /** Id of the newest event, 0 before the first. */
  get lastId(): number {
    return this.nextId - 1;
  }

  /** Id of the oldest event still in the buffer (lastId + 1 when empty). */
  get oldestId(): number {
    return Math.max(1, this.nextId - this.capacity);
  }

  get subscriberCount(): number {
    return this.listeners.length;
  }

  /** How many times a listener threw (each was contained). */
  get listenerFailures(): number {
    return this.failures;
  }

  /** Records an event and hands it to every listener; never throws. */
  emit(type: TelemetryEventType, data: Record<string, unknown>, traceId?: string): void {
    let event: TelemetryEvent;
    try {
      const id = this.nextId++;
      event = { id, type, time: new Date(this.clock()).toISOString(), agent: this.agent, version: this.version, data };
      if (traceId !== undefined) event.traceId = traceId;
      Object.freeze(event);
      this.ring[id % this.capacity] = event;
    } catch {
      // A broken injected clock must not reach the request path.
      this.failures++;
      return;
    }
    const listeners = this.listeners;
    for (const listener of listeners) {
      try {
        listener(event);
      } catch {
        // One broken subscriber (a dead socket, a bad exporter) must not starve the others.
        this.failures++;
      }
    }
  }

  /**
   * Events after `lastEventId`, oldest first; `'gap'` when some of them already fell out of the
   * buffer, or when the id is from the future (the client saw an earlier process of this replica).
   */
  since(lastEventId: number): TelemetryEvent[] | 'gap' {
    const last = this.lastId;
    if (!Number.isInteger(lastEventId) || lastEventId < 0 || lastEventId > last) return 'gap';
    if (lastEventId + 1 < this.oldestId) return 'gap';
    const out: TelemetryEvent[] = [];
    for (let id = lastEventId + 1; id <= last; id++) {
      const event = this.ring[id % this.capacity];
      if (event !== undefined) out.push(event);
    }
    return out;
  }

  /** Every event still buffered, oldest first. */
  retained(): TelemetryEvent[] {
    const out: TelemetryEvent[] = [];
    for (let id = this.oldestId; id <= this.lastId; id++) {
      const event = this.ring[id % this.capacity];
      if (event !== undefined) out.push(event);
    }
    return out;
  }

  /** Calls `listener` for every later event; returns the unsubscribe function (idempotent). */
  subscribe(listener: TelemetryListener): () => void {
    this.listeners = [...this.listeners, listener];
    let active = true;
    return () => {
      if (!active) return;
      active = false;
      const index = this.listeners.indexOf(listener);
      if (index >= 0) this.listeners = [...this.listeners.slice(0, index), ...this.listeners.slice(index + 1)];
    };
  }
}
