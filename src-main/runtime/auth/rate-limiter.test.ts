import { describe, expect, it } from 'vitest';
import { RuntimeConfigError } from '../config/config-error';
import { parseRateLimit, RateLimiter } from './rate-limiter';

const who = (subject: string, role = 'developer') => ({ kind: 'api_key' as const, subject, role });

function limiter(limits: Record<string, string>, maxTrackedPrincipals?: number) {
  let now = 1_000_000;
  const rate = new RateLimiter(limits, { clock: () => now, ...(maxTrackedPrincipals !== undefined && { maxTrackedPrincipals }) });
  return { rate, advance: (ms: number) => (now += ms) };
}

describe('parseRateLimit', () => {
  it('reads the Dockfile forms', () => {
    expect(parseRateLimit('100/m')).toEqual({ limit: 100, periodSeconds: 60 });
    expect(parseRateLimit('5 / s')).toEqual({ limit: 5, periodSeconds: 1 });
    expect(parseRateLimit('10/h')).toEqual({ limit: 10, periodSeconds: 3600 });
    expect(parseRateLimit('1000/d')).toEqual({ limit: 1000, periodSeconds: 86_400 });
    for (const bad of ['0/m', '100', '100/min', '-1/s', '1.5/s', '100 requests/minute', '99999999999999999999/s']) expect(parseRateLimit(bad), bad).toBeUndefined();
  });

  it('refuses a limiter built from an unreadable rule, naming the role', () => {
    expect(() => new RateLimiter({ developer: 'lots' })).toThrow(RuntimeConfigError);
    expect(() => new RateLimiter({ developer: 'lots' })).toThrow(/auth.rate_limits.developer/);
  });
});

describe('RateLimiter', () => {
  it('allows N per period, then refuses with the seconds until the next request', () => {
    const { rate } = limiter({ developer: '100/m' });
    for (let index = 0; index < 100; index += 1) expect(rate.check(who('k1'))).toMatchObject({ allowed: true, remaining: 99 - index });
    // 60 s / 100 = 0.6 s to the next token, rounded up to whole seconds for Retry-After.
    expect(rate.check(who('k1'))).toEqual({ allowed: false, retryAfterSeconds: 1, limit: { limit: 100, periodSeconds: 60 } });
  });

  it('computes Retry-After from the refill rate', () => {
    const { rate, advance } = limiter({ viewer: '2/h' });
    rate.check(who('v', 'viewer'));
    rate.check(who('v', 'viewer'));
    expect(rate.check(who('v', 'viewer'))).toMatchObject({ allowed: false, retryAfterSeconds: 1800 });
    advance(600_000);
    expect(rate.check(who('v', 'viewer'))).toMatchObject({ allowed: false, retryAfterSeconds: 1200 });
    advance(1_200_000);
    expect(rate.check(who('v', 'viewer'))).toMatchObject({ allowed: true, remaining: 0 });
  });

  it('refills at the rule rate, never above N', () => {
    const { rate, advance } = limiter({ developer: '5/s' });
    for (let index = 0; index < 5; index += 1) rate.check(who('k1'));
    expect(rate.check(who('k1')).allowed).toBe(false);
    advance(200);
    expect(rate.check(who('k1')).allowed).toBe(true);
    expect(rate.check(who('k1')).allowed).toBe(false);
    advance(3_600_000);
    expect(rate.check(who('k1'))).toMatchObject({ allowed: true, remaining: 4 });
  });

  it('counts each principal separately and leaves roles without a rule unlimited', () => {
    const { rate } = limiter({ developer: '1/m' });
    expect(rate.check(who('k1')).allowed).toBe(true);
    expect(rate.check(who('k1')).allowed).toBe(false);
    expect(rate.check(who('k2')).allowed).toBe(true);
    expect(rate.check({ kind: 'jwt', subject: 'k1', role: 'developer' }).allowed).toBe(true);
    for (let index = 0; index < 1000; index += 1) expect(rate.check(who('k1', 'admin'))).toEqual({ allowed: true, remaining: Number.POSITIVE_INFINITY });
  });

  it('does not drain tokens when the clock steps backwards', () => {
    const { rate, advance } = limiter({ developer: '2/m' });
    rate.check(who('k1'));
    advance(-3_600_000);
    expect(rate.check(who('k1'))).toMatchObject({ allowed: true, remaining: 0 });
  });

  it('keeps memory bounded: forgets idle principals and caps the rest', () => {
    const { rate, advance } = limiter({ developer: '10/m' }, 50);
    for (let index = 0; index < 500; index += 1) rate.check(who(`k${index}`));
    expect(rate.trackedPrincipals).toBe(50);
    advance(60_000);
    for (let index = 0; index < 30; index += 1) rate.check(who('busy'));
    expect(rate.trackedPrincipals).toBeLessThan(50);
    advance(60_000);
    for (let index = 0; index < 100; index += 1) rate.check(who('busy'));
    expect(rate.trackedPrincipals).toBe(1);
  });
});
