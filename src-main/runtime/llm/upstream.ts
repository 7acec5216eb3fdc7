/**
 * Sends one request to the provider, retrying transient failures: network errors, 408, 409, 429,
 * 5xx and Anthropic's 529 (overloaded), with exponential backoff and jitter, at most
 * `maxRetries` times. The provider's own `x-should-retry` header wins when present (both OpenAI
 * and Anthropic send it), and `retry-after-ms` / `Retry-After` are obeyed exactly; a wait longer
 * than `maxRetryAfterMs` is not worth holding the agent for, so that response goes back as is.
 *
 * Retries happen only here, before the first byte reaches the client: once a stream has started,
 * a failure ends it (and what was streamed is billed) rather than replaying a different answer.
 */

export interface RetryPolicy {
  /** Retries after the first attempt. */
  maxRetries: number;
  /** Backoff before the first retry; doubles each time. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** The longest `Retry-After` the proxy waits out. */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxRetries: 2, baseDelayMs: 500, maxDelayMs: 8_000, maxRetryAfterMs: 30_000 };

export interface UpstreamDeps {
  fetchImpl: typeof fetch;
  retry: RetryPolicy;
  /** Waits `ms`; rejects when `signal` aborts. Injected so tests can observe the waits. */
  sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  /** In [0, 1); the jitter source. */
  random: () => number;
}

export type UpstreamResult =
  | { ok: true; response: Response; attempts: number }
  | { ok: false; error: Error; attempts: number };

const RETRYABLE_STATUS = new Set([408, 409, 429, 500, 502, 503, 504, 529]);

/** The wait a response asks for, in ms, from `retry-after-ms` or `Retry-After` (seconds or an HTTP date). */
export function retryAfterMs(headers: Headers, now: number = Date.now()): number | undefined {
  const millis = headers.get('retry-after-ms');
  if (millis !== null && Number.isFinite(Number.parseFloat(millis))) return Math.max(0, Number.parseFloat(millis));
  const value = headers.get('retry-after');
  if (value === null) return undefined;
  const seconds = Number(value);
  if (value.trim() !== '' && Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Backoff before retry number `retry` (0-based): base × 2^retry, capped, less up to 25% jitter. */
export function backoffMs(retry: number, policy: RetryPolicy, random: () => number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retry);
  return Math.round(ceiling * (1 - 0.25 * random()));
}

/** Whether to retry a response, and after how long; undefined means pass it to the client. */
function delayFor(response: Response, retry: number, deps: UpstreamDeps): number | undefined {
  const hint = response.headers.get('x-should-retry');
  if (hint === 'false') return undefined;
  if (hint !== 'true' && !RETRYABLE_STATUS.has(response.status)) return undefined;
  const asked = retryAfterMs(response.headers);
  if (asked === undefined) return backoffMs(retry, deps.retry, deps.random);
  return asked <= deps.retry.maxRetryAfterMs ? asked : undefined;
}

/** Fetches with the retry policy; never throws except when `signal` aborts. */
export async function fetchWithRetry(url: string, init: { method: string; headers: Record<string, string>; body: string; signal: AbortSignal }, deps: UpstreamDeps): Promise<UpstreamResult> {
  for (let attempt = 1; ; attempt += 1) {
    const retry = attempt - 1;
    const canRetry = retry < deps.retry.maxRetries;
    let response: Response;
    try {
      response = await deps.fetchImpl(url, init);
    } catch (error) {
      if (init.signal.aborted) throw error;
      if (!canRetry) return { ok: false, error: error instanceof Error ? error : new Error(String(error)), attempts: attempt };
      await deps.sleep(backoffMs(retry, deps.retry, deps.random), init.signal);
      continue;
    }
    if (response.ok || !canRetry) return { ok: true, response, attempts: attempt };
    const delay = delayFor(response, retry, deps);
    if (delay === undefined) return { ok: true, response, attempts: attempt };
    await response.body?.cancel().catch(() => undefined);
    await deps.sleep(delay, init.signal);
  }
}

/** A `setTimeout` wait that an abort signal cuts short. */
export function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
