/**
 * Retries with exponential backoff and jitter (seed 003's shape: base × 2^n, capped, ±20%),
 * for the delivery of one message. The attempt itself says whether its failure is worth a retry:
 * a network error or a 5xx may pass, a rejected payload or credential will not.
 */
import { backoffDelayMs } from '../../backoff';
import type { RetryOptions, SendResult } from './channel-types';

/** One attempt's outcome. */
export type AttemptOutcome = { ok: true } | { ok: false; retryable: boolean; error: string; retryAfterMs?: number };

/** Real sleeping, for production. */
const realSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Default: 3 attempts, 1 s then 2 s (±20%), at most 30 s between attempts. */
export const DEFAULT_RETRY: RetryOptions = Object.freeze({ maxAttempts: 3, baseDelayMs: 1000, maxDelayMs: 30_000, sleep: realSleep, random: Math.random });

/** Runs `attempt` until it succeeds, fails for good, or the attempts run out. */
export async function withRetries(attempt: (number: number) => Promise<AttemptOutcome>, options: RetryOptions): Promise<SendResult> {
  const maxAttempts = Math.max(1, Math.floor(options.maxAttempts));
  let last = 'failed';
  for (let number = 1; number <= maxAttempts; number += 1) {
    const outcome = await attempt(number);
    if (outcome.ok) return { ok: true, attempts: number };
    last = outcome.error;
    if (!outcome.retryable || number === maxAttempts) return { ok: false, attempts: number, error: last };
    await options.sleep(backoffMs(number, options, outcome.retryAfterMs));
  }
  return { ok: false, attempts: maxAttempts, error: last };
}

/** The wait after attempt `number` (1-based): the server's Retry-After when it gave one (capped), else base × 2^(n-1) ± 20%. */
export function backoffMs(number: number, options: Pick<RetryOptions, 'baseDelayMs' | 'maxDelayMs' | 'random'>, retryAfterMs?: number): number {
  if (retryAfterMs !== undefined) return Math.min(options.maxDelayMs, Math.max(0, retryAfterMs));
  return backoffDelayMs({ baseMs: options.baseDelayMs, maxMs: options.maxDelayMs, jitter: 0.2 }, number, options.random);
}
