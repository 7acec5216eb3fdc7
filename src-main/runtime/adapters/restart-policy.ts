/**
 * When to restart a crashed Python adapter. The contract: back within 5 s of a crash, first try
 * within 1 s, and a crash loop ends in a reported failure instead of spinning forever. A restart
 * also spends the interpreter's start time (importing LangGraph: about a second), so delays are
 * capped at 2 s.
 */

export interface RestartPolicyOptions {
  /** Delay before the first restart, ms. */
  initialDelayMs: number;
  /** Cap on any one delay, ms. */
  maxDelayMs: number;
  /** Restarts allowed within `windowMs` before giving up. */
  maxRestarts: number;
  windowMs: number;
}

export const DEFAULT_RESTART_POLICY: RestartPolicyOptions = { initialDelayMs: 250, maxDelayMs: 2_000, maxRestarts: 5, windowMs: 60_000 };

/** Tracks recent crashes; `next()` says how long to wait, or that it is time to give up. */
export class RestartPolicy {
  private crashes: number[] = [];

  constructor(private readonly options: RestartPolicyOptions = DEFAULT_RESTART_POLICY) {}

  /** Records a crash at `now` (ms) and returns the delay before restarting, or undefined to give up. */
  next(now: number): number | undefined {
    this.crashes = this.crashes.filter((time) => now - time < this.options.windowMs);
    this.crashes.push(now);
    const attempt = this.crashes.length;
    if (attempt > this.options.maxRestarts) return undefined;
    return Math.min(this.options.initialDelayMs * 2 ** (attempt - 1), this.options.maxDelayMs);
  }
}
