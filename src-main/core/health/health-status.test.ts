import { describe, expect, it } from 'vitest';
import { classifyHealth, deploymentHealth, HealthTracker } from './health-status';

describe('classifyHealth (seed 000 §2.2)', () => {
  it('uses the 80 % / 50 % thresholds', () => {
    expect(classifyHealth(5, 5)).toBe('healthy');
    expect(classifyHealth(4, 5)).toBe('healthy');
    expect(classifyHealth(3, 5)).toBe('degraded');
    expect(classifyHealth(1, 2)).toBe('degraded');
    expect(classifyHealth(2, 5)).toBe('unhealthy');
    expect(classifyHealth(0, 1)).toBe('unhealthy');
    expect(classifyHealth(0, 0)).toBe('stopped');
  });
});

describe('HealthTracker', () => {
  it('reports transitions once, not every observation', () => {
    const tracker = new HealthTracker();
    expect(tracker.observe('a', 0, 2)).toEqual({ key: 'a', from: undefined, to: 'unhealthy', ready: 0, wanted: 2 });
    expect(tracker.observe('a', 0, 2)).toBeUndefined();
    expect(tracker.observe('a', 2, 2)).toMatchObject({ from: 'unhealthy', to: 'healthy' });
    expect(tracker.observe('a', 2, 2)).toBeUndefined();
    tracker.forget('a');
    expect(tracker.observe('a', 2, 2)).toMatchObject({ from: undefined, to: 'healthy' });
  });
});

describe('deploymentHealth', () => {
  it('reports an operator stop or suspend as such, and a partial outage by readiness', () => {
    expect(deploymentHealth([{ state: 'suspended' }, { state: 'suspended' }], 2)).toBe('suspended');
    expect(deploymentHealth([{ state: 'stopped' }], 1)).toBe('stopped');
    expect(deploymentHealth([{ state: 'running' }, { state: 'crashed' }], 2)).toBe('degraded');
    expect(deploymentHealth([{ state: 'running' }, { state: 'stopped' }, { state: 'crashed' }], 3)).toBe('unhealthy');
    expect(deploymentHealth([], 2)).toBe('unhealthy');
  });
});
