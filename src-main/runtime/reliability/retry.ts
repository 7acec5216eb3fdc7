/**
 * Retry with exponential backoff and jitter, for LLM calls, telemetry export and agent code.
 * Jitter spreads the retries of many replicas that failed together (a provider blip) so they do
 * not hammer the recovering service in lockstep. A `retryAfterMs` on the error (from a 429/503
 * `Retry-After`) wins over the computed delay; one longer than `maxMs` ends the retries, since
 * retrying earlier than the server asked only earns another refusal.
 */

export interface BackoffOptions {
  /** Delay before the first retry, ms. */
  baseMs?: number;
  /** Longest delay, ms. */
  maxMs?: number;
  /** Growth per retry. */
  factor?: number;
  /** Fraction of the delay randomized either way: 0.2 means ±20 %. */
  jitter?: number;
  /** Uniform in [0, 1); injected by tests. */
  random?: () => number;
}

export interface RetryOptions extends BackoffOptions {
  /** Retries after the first attempt (so at most retries + 1 calls). */
  retries?: number;
  /** Whether an error is worth another attempt; default `isTransientError`. */
  isRetryable?: (error: unknown, attempt: number) => boolean;
  /** Stops waiting and retrying; the pending sleep rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Injected by tests (a fake clock); default a real timer honouring `signal`. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Told before each wait. */
  onRetry?: (info: { attempt: number; delayMs: number; error: unknown }) => void;
}

const TRANSIENT_STATUS = new Set([408, 425, 429, 500, 502, 503, 504, 529]);
const TRANSIENT_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ECONNABORTED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

/** True for errors a retry may cure: timeouts, connection resets, 408/425/429/5xx; `retryable: false` wins. */
export function isTransientError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const record = error as Record<string, unknown>;
  if (typeof record.retryable === 'boolean') return record.retryable;
  if (record.name === 'AbortError') return false;
  if (record.name === 'TimeoutError') return true;
  const status = typeof record.status === 'number' ? record.status : typeof record.statusCode === 'number' ? record.statusCode : undefined;
  if (status !== undefined) return TRANSIENT_STATUS.has(status);
  if (typeof record.code === 'string' && TRANSIENT_CODES.has(record.code)) return true;
  // fetch() wraps network failures: TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } }).
  return record.cause !== undefined && record.cause !== error && isTransientError(record.cause);
}

/** The error's `retryAfterMs`, when it carries a usable one. */
export function retryAfterOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const value = (error as { retryAfterMs?: unknown }).retryAfterMs;
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}

/**
 * Delay before the next attempt after attempt `attempt` (0 for the first) failed with `error`, ms:
 * the error's `retryAfterMs`, else `backoffDelay`. Undefined when the error is not retryable or
 * its Retry-After is longer than `maxMs` (shared by `retry` and the circuit breaker's retries).
 */
export function retryDelayAfter(error: unknown, attempt: number, options: BackoffOptions & Pick<RetryOptions, 'isRetryable'> = {}): number | undefined {
  const { isRetryable = isTransientError, maxMs = 10_000 } = options;
  if (!isRetryable(error, attempt)) return undefined;
  const retryAfter = retryAfterOf(error);
  if (retryAfter !== undefined) return retryAfter > maxMs ? undefined : retryAfter;
  return backoffDelay(attempt, { ...options, maxMs });
}

/** Delay before retry number `retry` (0 for the first): min(maxMs, baseMs·factor^retry) ± jitter, capped at maxMs. */
export function backoffDelay(retry: number, options: BackoffOptions = {}): number {
  const { baseMs = 200, maxMs = 10_000, factor = 2, jitter = 0.2, random = Math.random } = options;
  const nominal = Math.min(maxMs, baseMs * factor ** retry);
  const spread = Math.min(Math.max(jitter, 0), 1);
  const jittered = nominal * (1 + spread * (2 * random() - 1));
  return Math.max(0, Math.min(maxMs, Math.round(jittered)));
}

/** Waits `ms`; rejects with the signal's reason when it aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Calls `fn` until it succeeds, the error is not retryable, retries run out or `signal` aborts. */
export async function retry<T>(fn: (attempt: number) => Promise<T> | T, options: RetryOptions = {}): Promise<T> {
  const { retries = 3, signal, sleep: wait = sleep, onRetry } = options;
  for (let attempt = 0; ; attempt++) {
    if (signal?.aborted) throw signal.reason;
    try {
      return await fn(attempt);
    } catch (error) {
      const delayMs = attempt >= retries || signal?.aborted ? undefined : retryDelayAfter(error, attempt, options);
      if (delayMs === undefined) throw error;
      onRetry?.({ attempt, delayMs, error });
      await wait(delayMs, signal);
    }
  }
}
