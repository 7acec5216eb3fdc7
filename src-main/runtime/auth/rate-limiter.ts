/**
 * Per-role request limits (seed 004 §5.3.7), `auth.rate_limits: { developer: '100/m' }`, counted per
 * principal within the role (one key or token subject cannot use up a role's allowance for all).
 *
 * Token bucket, not a fixed or sliding window: each principal holds up to N tokens, refilled at N per
 * period. State is two numbers per principal whatever N is (a sliding log for `10000/d` would keep
 * 10 000 timestamps), the long-run rate never exceeds N per period, there is no fixed-window edge
 * where 2N pass in a moment, and Retry-After is exact: the time until the next token. The cost: a
 * principal idle for a whole period may spend its N at once (a burst of N is the limit's meaning).
 *
 * Memory is bounded: a bucket that has refilled to full is the same as no bucket, so idle
 * principals are dropped for free; past `maxTrackedPrincipals` the least recently seen go first.
 * Limits are per replica, as the in-memory counter of §5.3.7 is.
 */
import { RuntimeConfigError } from '../config/config-error';
import type { Principal } from '../contracts';

export interface RateLimit {
  /** Requests per period. */
  limit: number;
  periodSeconds: number;
}

export type RateDecision =
  | { allowed: true; /** Requests left right now; Infinity when the role has no limit. */ remaining: number; limit?: RateLimit }
  | { allowed: false; /** Whole seconds until one request is allowed again (≥ 1), for Retry-After. */ retryAfterSeconds: number; limit: RateLimit };

export interface RateLimiterOptions {
  /** ms since the epoch; injectable for tests. */
  clock?: () => number;
  maxTrackedPrincipals?: number;
}

const PERIOD_SECONDS = { s: 1, m: 60, h: 3600, d: 86_400 } as const;
const RATE_LIMIT = /^([1-9][0-9]*)\s*\/\s*(s|m|h|d)$/;

/** Parses `100/m`, `5 / s`, `10/h`, `1000/d` (the Dockfile's RATE_LIMIT_PATTERN); undefined otherwise. */
export function parseRateLimit(text: string): RateLimit | undefined {
  const match = RATE_LIMIT.exec(text.trim());
  if (!match?.[1] || !match[2]) return undefined;
  const limit = Number(match[1]);
  if (!Number.isSafeInteger(limit)) return undefined;
  return { limit, periodSeconds: PERIOD_SECONDS[match[2] as keyof typeof PERIOD_SECONDS] };
}

interface Bucket {
  tokens: number;
  /** ms since the epoch of the last refill. */
  updatedAt: number;
  rule: RateLimit;
}

/** Per-role, per-principal token buckets (see the header comment for why buckets). */
export class RateLimiter {
  private readonly rules = new Map<string, RateLimit>();
  /** Insertion order is recency order: a touched bucket is re-inserted at the end. */
  private readonly buckets = new Map<string, Bucket>();
  private readonly clock: () => number;
  private readonly maxTracked: number;

  /** `limits` is `spec.auth.rate_limits` (role → `N/unit`); roles absent from it are unlimited. */
  constructor(limits: Readonly<Record<string, string>> | undefined, options: RateLimiterOptions = {}) {
    for (const [role, text] of Object.entries(limits ?? {})) {
      const rule = parseRateLimit(text);
      if (!rule) throw new RuntimeConfigError(`auth.rate_limits.${role} must look like 100/m (a count, /, and s, m, h or d)`);
      this.rules.set(role, rule);
    }
    this.clock = options.clock ?? Date.now;
    this.maxTracked = options.maxTrackedPrincipals ?? 10_000;
  }

  /** How many principals currently hold a (non-full) bucket. */
  get trackedPrincipals(): number {
    return this.buckets.size;
  }

  /** The limit for a role, if it has one. */
  limitFor(role: string): RateLimit | undefined {
    return this.rules.get(role);
  }

  /** Counts one request by the principal and says whether it may proceed. */
  check(principal: Pick<Principal, 'kind' | 'subject' | 'role'>): RateDecision {
    const rule = this.rules.get(principal.role);
    if (!rule) return { allowed: true, remaining: Number.POSITIVE_INFINITY };
    const now = this.clock();
    this.dropIdle(now);
    const key = `${principal.role}\n${principal.kind}\n${principal.subject}`;
    const bucket = this.buckets.get(key);
    let tokens = bucket ? this.refilled(bucket, now) : rule.limit;
    if (bucket) this.buckets.delete(key);
    let decision: RateDecision;
    if (tokens >= 1) {
      tokens -= 1;
      decision = { allowed: true, remaining: Math.floor(tokens), limit: rule };
    } else {
      // Rounded to whole ms first (the clock's unit) so float noise cannot add a second.
      const waitMs = Math.round(((1 - tokens) * rule.periodSeconds * 1000) / rule.limit);
      decision = { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)), limit: rule };
    }
    this.buckets.set(key, { tokens, updatedAt: now, rule });
    while (this.buckets.size > this.maxTracked) {
      const oldest = this.buckets.keys().next();
      if (oldest.done) break;
      this.buckets.delete(oldest.value);
    }
    return decision;
  }

  private refilled(bucket: Bucket, now: number): number {
    // A clock stepping backwards (NTP) must not drain tokens.
    const elapsed = Math.max(0, now - bucket.updatedAt);
    return Math.min(bucket.rule.limit, bucket.tokens + (elapsed * bucket.rule.limit) / (bucket.rule.periodSeconds * 1000));
  }

  /** Drops the least recent buckets while they are full again: forgetting them changes nothing. */
  private dropIdle(now: number): void {
    for (let checked = 0; checked < 2; checked += 1) {
      const oldest = this.buckets.entries().next();
      if (oldest.done || this.refilled(oldest.value[1], now) < oldest.value[1].rule.limit) return;
      this.buckets.delete(oldest.value[0]);
    }
  }
}
