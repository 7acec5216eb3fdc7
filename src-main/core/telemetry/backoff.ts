/**
 * Reconnect delays: exponential with jitter, so a console that lost 1,000 replicas at once (a
 * laptop waking up, a network blip) does not reconnect to all of them in the same millisecond.
 * The delays themselves come from the control plane's one formula, `backoffDelayMs`.
 */
import type { BackoffShape } from '../backoff';

/** Reconnect pacing: base, ceiling (also the pace for refused credentials) and jitter. */
export type BackoffPolicy = BackoffShape;

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 500, maxMs: 30_000, jitter: 0.2 };

/** Resolves after `ms`, or at once when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
