import { describe, expect, it } from 'vitest';
import { DEFAULT_RESTART_POLICY, RestartPolicy } from './restart-policy';

describe('RestartPolicy', () => {
  it('restarts first within 1 s, backs off, never waits more than 2 s, and gives up on a crash loop', () => {
    const policy = new RestartPolicy();
    const delays = [0, 1, 2, 3, 4, 5].map((n) => policy.next(n * 100));
    expect(delays).toEqual([250, 500, 1_000, 2_000, 2_000, undefined]);
    expect(DEFAULT_RESTART_POLICY.initialDelayMs).toBeLessThanOrEqual(1_000);
  });

  it('forgets crashes older than the window', () => {
    const policy = new RestartPolicy({ initialDelayMs: 100, maxDelayMs: 1_000, maxRestarts: 2, windowMs: 1_000 });
    expect(policy.next(0)).toBe(100);
    expect(policy.next(10)).toBe(200);
    expect(policy.next(20)).toBeUndefined();
    expect(policy.next(5_000)).toBe(100);
  });
});
