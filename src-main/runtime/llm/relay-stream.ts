/**
 * Relays a provider's SSE stream to the client as it arrives: each network chunk is parsed,
 * metered and guarded, and whatever is ready is written at once (nothing is buffered beyond the
 * current partial event and a redactor's hold-back). The client's backpressure is respected by
 * waiting for `drain`. When the upstream breaks off, the stream ends with an error event the SDKs
 * raise; when the client leaves, the caller has already aborted the upstream request.
 */
import type { ServerResponse } from 'node:http';
import type { LlmProvider, StreamGuard } from './llm-types';
import { streamErrorEvent } from './proxy-errors';
import { SseParser } from './sse';

export interface StreamRelayResult {
  outcome: 'completed' | 'client_aborted' | 'upstream_failed';
  /** Time spent in the proxy's own parsing, metering, guarding and writing, in ms. */
  processingMs: number;
  /** Why the upstream failed, without secrets (the fetch error's message). */
  error?: string;
}

function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.once('drain', done);
    res.once('close', done);
  });
}

/** Pipes `upstream` (an SSE response) through `guard` to `res`. */
export async function relayStream(
  upstream: Response,
  res: ServerResponse,
  guard: StreamGuard,
  provider: LlmProvider,
  headers: Record<string, string>,
  clientGone: () => boolean,
): Promise<StreamRelayResult> {
  res.writeHead(upstream.status, {
    ...headers,
    'content-type': upstream.headers.get('content-type') ?? 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    // Reverse proxies (nginx) buffer responses by default, which would hold tokens back.
    'x-accel-buffering': 'no',
  });
  res.flushHeaders();
  const parser = new SseParser();
  let processingMs = 0;
  if (!upstream.body) {
    res.end();
    return { outcome: 'completed', processingMs };
  }
  const reader = upstream.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      const started = performance.now();
      if (done) {
        const out = parser.flush().map((event) => guard.push(event)).join('') + guard.end();
        res.end(out);
        processingMs += performance.now() - started;
        return { outcome: 'completed', processingMs };
      }
      let out = '';
      for (const event of parser.push(value)) out += guard.push(event);
      const writable = out === '' || res.write(out);
      processingMs += performance.now() - started;
      if (!writable) await drained(res);
      if (clientGone()) return { outcome: 'client_aborted', processingMs };
    }
  } catch (error) {
    if (clientGone()) return { outcome: 'client_aborted', processingMs };
    const message = error instanceof Error ? error.message : String(error);
    if (!res.destroyed) res.end(guard.end() + streamErrorEvent(provider, `the provider's stream broke off: ${message}`));
    return { outcome: 'upstream_failed', processingMs, error: message };
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}
