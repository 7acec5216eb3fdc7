/**
 * One connection to a runtime's `/events`: GET with the control token and `Last-Event-ID`, frames
 * handed to the caller as they are parsed, resolved with how it ended. Over node:http rather than
 * fetch so an abort tears the socket down at once and nothing is buffered behind our back.
 */
import { request } from 'node:http';
import type { IncomingMessage } from 'node:http';
import { StringDecoder } from 'node:string_decoder';
import { SseParser } from './sse-parser';
import type { SseFrame } from './sse-parser';
import { parseErrorEnvelope } from '../../runtime/http/errors';
import { errorMessage } from '../contracts';

/** The header the runtime accepts the control plane's token in (runtime auth/request-credentials.ts). */
export const CONTROL_TOKEN_HEADER = 'x-agentdock-control';

export interface EventStreamRequest {
  /** The replica's base URL, `http://127.0.0.1:port`. */
  endpoint: string;
  token: string;
  /** Sent as `Last-Event-ID`; omitted → the runtime replays nothing. */
  lastEventId?: number;
  signal: AbortSignal;
  /** Headers received (status 200). */
  onOpen?(): void;
  onFrame(frame: SseFrame): void;
  /** Any bytes received (frames, heartbeats, the retry line): the drain's quiet timer uses it. */
  onActivity?(): void;
  /** Connect + headers deadline, ms. */
  connectTimeoutMs?: number;
}

/** How a connection ended. */
export type EventStreamEnd =
  | { kind: 'ended' }
  | { kind: 'aborted' }
  | { kind: 'http_error'; status: number; detail: string }
  | { kind: 'network_error'; message: string };

/** Connects, streams frames until the server ends, the signal aborts or the network fails; never rejects. */
export function streamEvents(options: EventStreamRequest): Promise<EventStreamEnd> {
  return new Promise<EventStreamEnd>((resolve) => {
    let settled = false;
    const finish = (end: EventStreamEnd): void => {
      if (settled) return;
      settled = true;
      options.signal.removeEventListener('abort', onAbort);
      clearTimeout(connectTimer);
      resolve(end);
    };
    if (options.signal.aborted) return finish({ kind: 'aborted' });
    let url: URL;
    try {
      url = new URL('/events', options.endpoint);
    } catch {
      return finish({ kind: 'network_error', message: `not a URL: ${options.endpoint}` });
    }
    const headers: Record<string, string> = { accept: 'text/event-stream', [CONTROL_TOKEN_HEADER]: options.token };
    if (options.lastEventId !== undefined) headers['last-event-id'] = String(options.lastEventId);
    const req = request(url, { method: 'GET', headers });
    const onAbort = (): void => {
      req.destroy();
      finish({ kind: 'aborted' });
    };
    options.signal.addEventListener('abort', onAbort, { once: true });
    const connectTimer = setTimeout(() => {
      req.destroy();
      finish({ kind: 'network_error', message: `no response from ${options.endpoint} within ${options.connectTimeoutMs ?? 10_000} ms` });
    }, options.connectTimeoutMs ?? 10_000);
    connectTimer.unref();
    req.on('error', (error) => finish(options.signal.aborted ? { kind: 'aborted' } : { kind: 'network_error', message: error.message }));
    req.on('response', (res: IncomingMessage) => {
      clearTimeout(connectTimer);
      if (res.statusCode !== 200) {
        void readSmall(res).then((body) => finish({ kind: 'http_error', status: res.statusCode ?? 0, detail: errorDetail(body) }));
        return;
      }
      options.onOpen?.();
      const decoder = new StringDecoder('utf8');
      const parser = new SseParser({ onFrame: (frame) => options.onFrame(frame) });
      res.on('data', (chunk: Buffer) => {
        if (settled) return;
        options.onActivity?.();
        try {
          parser.feed(decoder.write(chunk));
        } catch (error) {
          req.destroy();
          finish({ kind: 'network_error', message: errorMessage(error) });
        }
      });
      res.on('end', () => finish({ kind: 'ended' }));
      res.on('error', (error) => finish(options.signal.aborted ? { kind: 'aborted' } : { kind: 'network_error', message: error.message }));
      res.on('close', () => finish(options.signal.aborted ? { kind: 'aborted' } : { kind: 'ended' }));
    });
    req.end();
  });
}

/** The first 4 KiB of an error response. */
async function readSmall(res: IncomingMessage): Promise<string> {
  let body = '';
  try {
    for await (const chunk of res) {
      body += String(chunk);
      if (body.length > 4096) break;
    }
  } catch {
    // The body is only for the message.
  }
  res.destroy();
  return body.slice(0, 4096);
}

/** The runtime's error envelope `{error, code, detail}` as one line, else the raw text. */
export function errorDetail(body: string): string {
  const envelope = parseErrorEnvelope(body);
  if (envelope?.detail !== undefined) return envelope.error !== undefined ? `${envelope.error}: ${envelope.detail}` : envelope.detail;
  return body.trim().slice(0, 200);
}
