/**
 * Retry with exponential backoff for transient target errors (seed 003): base 5 s, doubling, at
 * most 5 min per wait, ±20% jitter so many clients do not retry in lockstep, 5 attempts in all.
 * Only errors that can go away by themselves are retried:
 *
 *   transient — the engine cannot be reached (E2020; ECONNREFUSED/ECONNRESET/ETIMEDOUT…, ENOENT on
 *               connecting to the socket), the engine answered 5xx, 409 (a conflict such as a
 *               removal already in progress) or 429;
 *   permanent — everything else: an invalid Dockfile or config (E2001, E2023), a failed build
 *               (E2002: a bad image does not get better), a failed health gate (E2010, which has
 *               its own timeout), and 5xx answers that name a configuration mistake ("invalid",
 *               "no such image", "not supported"…).
 *
 * Sleeping and randomness are injected, so tests run the policy without waiting; an abort signal
 * cancels a wait at once.
 */
import { backoffDelayMs } from '../backoff';
import type { BackoffShape } from '../backoff';
import { CoreError } from '../contracts';

export interface RetryPolicy extends BackoffShape {
  /** Attempts in all, the first one included (1 = no retry). */
  maxAttempts: number;
}

/** The defaults of seed 003. */
export const DEFAULT_RETRY_POLICY: Readonly<RetryPolicy> = Object.freeze({ baseMs: 5_000, maxMs: 300_000, jitter: 0.2, maxAttempts: 5 });

/** What the deploy stepper shows: "retrying in N s (attempt k of n)". */
export interface RetryNotice {
  /** The attempt about to run (2 … of). */
  attempt: number;
  of: number;
  delayMs: number;
  error: unknown;
}

/** Waits `ms`; rejects with the signal's reason as soon as it aborts. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

export interface RetryOptions {
  policy?: Partial<RetryPolicy>;
  sleep?: Sleep;
  /** [0, 1), for the jitter. */
  random?: () => number;
  signal?: AbortSignal;
  /** Which errors to retry (default `isTransientError`). */
  isTransient?: (error: unknown) => boolean;
  onRetry?: (notice: RetryNotice) => void;
}

const TRANSIENT_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'EBUSY', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT']);

// A 5xx whose message names a mistake in what was asked, not a passing state of the engine.
const PERMANENT_5XX = /invalid|no such image|not found|not supported|unknown runtime|exec format|permission denied|manifest unknown/i;

/** True for errors worth retrying; see the module header. */
export function isTransientError(error: unknown): boolean {
  if (error instanceof CoreError) {
    if (error.code === 'E2020') return true;
    if (error.code !== 'E2021' && error.code !== 'E2022') return false;
    const status = error.details?.status;
    const cause = error.details?.cause;
    if (typeof cause === 'string' && TRANSIENT_CODES.has(cause)) return true;
    return typeof status === 'number' && transientStatus(status, error.message);
  }
  const raw = error as { code?: unknown; syscall?: unknown; statusCode?: unknown; message?: unknown } | null | undefined;
  if (typeof raw?.code === 'string') {
    if (TRANSIENT_CODES.has(raw.code)) return true;
    // ENOENT on connect is a socket that is not there yet (the engine is starting), not a missing file.
    if (raw.code === 'ENOENT' && raw.syscall === 'connect') return true;
  }
  return typeof raw?.statusCode === 'number' && transientStatus(raw.statusCode, typeof raw.message === 'string' ? raw.message : '');
}

function transientStatus(status: number, message: string): boolean {
  if (status === 409 || status === 429) return true;
  return status >= 500 && status <= 599 && !PERMANENT_5XX.test(message);
}

/** Resolves after `ms`, or rejects with the abort reason as soon as `signal` aborts. */
export const abortableSleep: Sleep = (ms, signal) =>
  new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortReason(signal));
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(abortReason(signal as AbortSignal));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });

/**
 * Runs `operation` (told its attempt number), retrying transient failures after the policy's
 * waits. The last failure is rethrown; a CoreError then says how many attempts were made.
 */
export async function withRetry<T>(operation: (attempt: number) => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const policy = { ...DEFAULT_RETRY_POLICY, ...options.policy };
  const maxAttempts = Math.max(1, Math.floor(policy.maxAttempts));
  const transient = options.isTransient ?? isTransientError;
  const sleep = options.sleep ?? abortableSleep;
  for (let attempt = 1; ; attempt++) {
    options.signal?.throwIfAborted();
    try {
      return await operation(attempt);
    } catch (error) {
      if (!transient(error) || options.signal?.aborted) throw error;
      if (attempt >= maxAttempts) throw gaveUp(error, attempt);
      const delayMs = backoffDelayMs(policy, attempt, options.random);
      options.onRetry?.({ attempt: attempt + 1, of: maxAttempts, delayMs, error });
      await sleep(delayMs, options.signal);
    }
  }
}

function gaveUp(error: unknown, attempts: number): unknown {
  if (attempts <= 1 || !(error instanceof CoreError)) return error;
  return new CoreError(error.code, `${error.message} (gave up after ${attempts} attempts)`, { ...error.details, attempts });
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new Error('aborted');
}
