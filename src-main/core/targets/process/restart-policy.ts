/**
 * When a crashed replica comes back: exponential backoff from `initialDelayMs`, capped at
 * `maxDelayMs` (so with the defaults a replica is running again well within 5 s of a crash), and
 * no more than `maxRestarts` restarts inside a sliding `windowMs`; past that the replica is
 * `crashed` and left alone, because a replica that dies on every start only burns CPU and floods
 * the logs.
 */

export interface RestartPolicy {
  /** Delay before the first restart, ms. */
  initialDelayMs: number;
  /** Cap on the delay, ms. */
  maxDelayMs: number;
  /** Restarts allowed within `windowMs`; the next crash ends in `crashed`. */
  maxRestarts: number;
  windowMs: number;
}

export const DEFAULT_RESTART_POLICY: RestartPolicy = { initialDelayMs: 250, maxDelayMs: 2000, maxRestarts: 5, windowMs: 60_000 };

export type RestartDecision = { restart: true; delayMs: number } | { restart: false };

/** Counts one replica's recent restarts and decides what the next crash gets. */
export class RestartTracker {
  private restartTimes: number[] = [];

  constructor(private readonly policy: RestartPolicy) {}

  /** Called when the replica crashed at `now` (ms): restart after `delayMs`, or give up. */
  next(now: number): RestartDecision {
    this.restartTimes = this.restartTimes.filter((time) => now - time < this.policy.windowMs);
    if (this.restartTimes.length >= this.policy.maxRestarts) return { restart: false };
    const delayMs = Math.min(this.policy.initialDelayMs * 2 ** this.restartTimes.length, this.policy.maxDelayMs);
    this.restartTimes.push(now);
    return { restart: true, delayMs };
  }

  /** Forgets past crashes (an operator started or restarted the replica on purpose). */
  reset(): void {
    this.restartTimes = [];
  }
}
