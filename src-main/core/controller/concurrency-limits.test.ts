import { describe, expect, it } from 'vitest';
import { CoreError } from '../contracts';
import { ConcurrencyLimits } from './concurrency-limits';

describe('ConcurrencyLimits', () => {
  it('defaults to 5 per agent, 10 per namespace, 100 total (seed 003)', () => {
    const limits = new ConcurrencyLimits();
    const releases = Array.from({ length: 5 }, () => limits.acquire('a', 'ns'));
    expect(() => limits.acquire('a', 'ns')).toThrow(/5 operations on agent a are already running \(limit 5\)/);
    for (let i = 0; i < 5; i++) releases.push(limits.acquire(`b${i}`, 'ns'));
    const error = (() => {
      try {
        limits.acquire('c', 'ns');
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(CoreError);
    expect((error as CoreError).code).toBe('E2006');
    for (const release of releases) release();
    expect(limits.inFlight()).toEqual({ total: 0, agents: {}, namespaces: {} });
  });

  it('enforces the total across namespaces and releases exactly once', () => {
    const limits = new ConcurrencyLimits({ total: 2, perNamespace: 5, perAgent: 5 });
    const first = limits.acquire('a', 'one');
    limits.acquire('b', 'two');
    expect(() => limits.acquire('c', 'three')).toThrow(/limit 2/);
    first();
    first();
    expect(limits.inFlight().total).toBe(1);
    expect(() => limits.acquire('c', 'three')).not.toThrow();
  });
});
