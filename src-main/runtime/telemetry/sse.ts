/**
 * Server-Sent Events: the frame writer the `/stream` endpoint shares, and the admin `/events`
 * telemetry stream (replay from `Last-Event-ID`, then live, with heartbeats).
 *
 * Threats handled here: a field value carrying CR/LF would let data forge extra SSE fields or
 * events, so ids and event names are stripped of line breaks and data is split per line; a
 * console that stops reading must not make the runtime buffer without bound, so a subscriber
 * whose socket backlog passes a limit is dropped with a final `dropped` event.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TelemetryEvent } from '../contracts';
import type { ReplayableEventSource } from './event-bus';

/** Anything `writeSseEvent` can write to (a ServerResponse, or any writable in tests). */
export interface SseWritable {
  write(chunk: string): boolean;
}

const LINE_BREAKS = /[\r\n]+/g;

/** Formats one SSE frame; `data` that is not a string is sent as JSON. */
export function formatSseEvent(event: string, data: unknown, id?: number | string): string {
  let text: string;
  if (typeof data === 'string') text = data;
  else {
    // JSON.stringify returns undefined for undefined/functions; an SSE frame needs a data line.
    text = JSON.stringify(data) ?? 'null';
  }
  let frame = '';
  if (id !== undefined) frame += `id: ${String(id).replace(LINE_BREAKS, '')}\n`;
  frame += `event: ${event.replace(LINE_BREAKS, '')}\n`;
  for (const line of text.split(/\r\n|\r|\n/)) frame += `data: ${line}\n`;
  return `${frame}\n`;
}

/** Writes one SSE frame to `res`; returns what `res.write` returned (false: the socket is backed up). */
export function writeSseEvent(res: SseWritable, event: string, data: unknown, id?: number | string): boolean {
  return res.write(formatSseEvent(event, data, id));
}

/** The resume point a client asked for: `Last-Event-ID` header, else `?lastEventId=` (EventSource polyfills). */
export function requestedLastEventId(req: IncomingMessage): number | undefined {
  const header = req.headers['last-event-id'];
  let raw = Array.isArray(header) ? header[0] : header;
  if (raw === undefined || raw === '') {
    const url = new URL(req.url ?? '/', 'http://runtime.invalid');
    raw = url.searchParams.get('lastEventId') ?? undefined;
  }
  if (raw === undefined || raw.trim() === '') return undefined;
  const value = Number(raw.trim());
  // Not a valid id: treat like an id from another process, so the client gets a reset.
  return Number.isSafeInteger(value) && value >= 0 ? value : -1;
}

export interface EventStreamOptions {
  /** Comment line every this many ms, so proxies and load balancers keep the connection open. */
  heartbeatMs?: number;
  /** Socket backlog (bytes not yet flushed) past which the subscriber is dropped. */
  maxBufferedBytes?: number;
  /** Reconnect delay the client is told to use (`retry:` field), ms. */
  retryMs?: number;
  /** After a drop, how long the final frame gets to flush before the socket is destroyed, ms. */
  dropGraceMs?: number;
}

/** Handle of one `/events` connection. */
export interface EventStreamHandle {
  /** Ends the stream (idempotent); the subscription and heartbeat stop. */
  close(): void;
  /** Resolves when the connection is finished, however it ended. */
  readonly closed: Promise<void>;
}

/** Cached frames, so N consoles watching one replica serialize each event once. */
const frameCache = new WeakMap<TelemetryEvent, string>();

function frameOf(event: TelemetryEvent): string | undefined {
  let frame = frameCache.get(event);
  if (frame === undefined) {
    try {
      frame = formatSseEvent(event.type, event, event.id);
    } catch {
      // Unserializable data (a cycle, a BigInt) from some module: skip it, keep the stream.
      return undefined;
    }
    frameCache.set(event, frame);
  }
  return frame;
}

/**
 * Serves the telemetry stream on `res`: replays what the client missed since `Last-Event-ID`
 * (or a `reset` event first, when that is no longer possible), then live events.
 */
export function serveEventStream(req: IncomingMessage, res: ServerResponse, bus: ReplayableEventSource, options: EventStreamOptions = {}): EventStreamHandle {
  const { heartbeatMs = 15_000, maxBufferedBytes = 4 * 1024 * 1024, retryMs = 3_000, dropGraceMs = 5_000 } = options;
  let lastSentId = 0;
  let finished = false;
  let resolveClosed!: () => void;
  const closed = new Promise<void>((resolve) => (resolveClosed = resolve));
  let unsubscribe: () => void = () => undefined;
  let heartbeat: NodeJS.Timeout | undefined;
  let graceTimer: NodeJS.Timeout | undefined;

  const stop = (): void => {
    if (finished) return;
    finished = true;
    unsubscribe();
    if (heartbeat) clearInterval(heartbeat);
  };
  const onClosed = (): void => {
    stop();
    if (graceTimer) clearTimeout(graceTimer);
    resolveClosed();
  };
  // The response's 'close' fires when the client goes away (and after end); the request's does
  // not mean that since Node 16 (it fires once the body is consumed).
  res.once('close', onClosed);

  const drop = (reason: string): void => {
    if (finished) return;
    stop();
    res.end(formatSseEvent('dropped', { reason, lastEventId: lastSentId }));
    // A client that reads nothing would keep the socket and its buffer forever.
    graceTimer = setTimeout(() => res.destroy(), dropGraceMs);
    graceTimer.unref();
  };

  const send = (event: TelemetryEvent): void => {
    if (finished || event.id <= lastSentId) return;
    if (res.writableLength > maxBufferedBytes) return drop('slow_consumer');
    const frame = frameOf(event);
    lastSentId = event.id;
    if (frame !== undefined) res.write(frame);
  };

  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store, no-transform',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  res.write(`retry: ${retryMs}\n\n`);

  // Subscribe and read the backlog in the same tick: nothing can be emitted in between, and
  // `lastSentId` filters the overlap.
  unsubscribe = bus.subscribe(send);
  const requested = requestedLastEventId(req);
  if (requested !== undefined) {
    const missed = bus.since(requested);
    if (missed === 'gap') {
      res.write(formatSseEvent('reset', { requestedId: requested, lastId: bus.lastId, reason: 'events before this point are no longer available' }));
      for (const event of bus.retained()) send(event);
    } else {
      for (const event of missed) send(event);
    }
  }
  // The client may have gone before we subscribed: 'close' already fired and will not again.
  if (res.destroyed || res.socket?.destroyed === true) onClosed();
  if (!finished) {
    heartbeat = setInterval(() => {
      if (res.writableLength > maxBufferedBytes) return drop('slow_consumer');
      res.write(': heartbeat\n\n');
    }, heartbeatMs);
    heartbeat.unref();
  }

  return {
    close: () => {
      stop();
      if (!res.writableEnded) res.end();
    },
    closed,
  };
}
