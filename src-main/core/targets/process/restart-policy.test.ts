import { describe, expect, it } from 'vitest';
import { DEFAULT_RESTART_POLICY, RestartTracker } from './restart-policy';

describe('RestartTracker', () => {
  it('backs off exponentially up to the cap, then gives up after maxRestarts in the window', () => {
    const tracker = new RestartTracker(DEFAULT_RESTART_POLICY);
    const delays = [0, 1, 2, 3, 4].map((i) => tracker.next(i * 1000));
    expect(delays).toEqual([250, 500, 1000, 2000, 2000].map((delayMs) => ({ restart: true, delayMs })));
    expect(tracker.next(5000)).toEqual({ restart: false });
  });

  it('forgets restarts older than the window', () => {
    const tracker = new RestartTracker({ ...DEFAULT_RESTART_POLICY, maxRestarts: 2, windowMs: 10_000 });
    expect(tracker.next(0)).toMatchObject({ restart: true, delayMs: 250 });
    expect(tracker.next(1000)).toMatchObject({ restart: true, delayMs: 500 });
    expect(tracker.next(2000)).toEqual({ restart: false });
    // 10 s after the first restart it has left the window: one slot is free again.
    expect(tracker.next(10_500)).toMatchObject({ restart: true, delayMs: 500 });
  });

  it('starts over after reset', () => {
    const tracker = new RestartTracker({ ...DEFAULT_RESTART_POLICY, maxRestarts: 1 });
    tracker.next(0);
    expect(tracker.next(1)).toEqual({ restart: false });
    tracker.reset();
    expect(tracker.next(2)).toEqual({ restart: true, delayMs: 250 });
  });
});
