import { describe, expect, it } from 'vitest';
import { backoffDelay, isTransientError, retry, sleep } from './retry';

const transient = (status = 503): Error => Object.assign(new Error(`upstream ${status}`), { status });

/** A sleep that records and returns at once: the schedule is asserted, not waited for. */
function fakeSleep(): { sleep: (ms: number) => Promise<void>; slept: number[] } {
  const slept: number[] = [];
  return { slept, sleep: async (ms: number) => void slept.push(ms) };
}

describe('retry', () => {
  it('backs off exponentially up to maxMs', async () => {
    const { sleep: wait, slept } = fakeSleep();
    let calls = 0;
    await expect(
      retry(
        () => {
          calls++;
          throw transient();
        },
        { retries: 6, baseMs: 100, maxMs: 2_000, jitter: 0, sleep: wait },
      ),
    ).rejects.toThrow('upstream 503');
    expect(calls).toBe(7);
    expect(slept).toEqual([100, 200, 400, 800, 1_600, 2_000]);
  });

  it('keeps jitter within ±jitter of the nominal delay and under maxMs', () => {
    for (const random of [0, 0.25, 0.5, 0.75, 0.999999]) {
      for (let n = 0; n < 8; n++) {
        const nominal = Math.min(5_000, 100 * 2 ** n);
        const delay = backoffDelay(n, { baseMs: 100, maxMs: 5_000, jitter: 0.2, random: () => random });
        expect(delay).toBeGreaterThanOrEqual(Math.floor(nominal * 0.8));
        expect(delay).toBeLessThanOrEqual(Math.min(5_000, Math.ceil(nominal * 1.2)));
      }
    }
    expect(backoffDelay(2, { baseMs: 100, jitter: 0.2, random: () => 0 })).toBe(320);
    expect(backoffDelay(2, { baseMs: 100, jitter: 0.2, random: () => 0.999999 })).toBe(480);
  });

  it('returns the first success and passes the attempt number', async () => {
    const { sleep: wait, slept } = fakeSleep();
    const attempts: number[] = [];
    const value = await retry(
      (attempt) => {
        attempts.push(attempt);
        if (attempt < 2) throw Object.assign(new Error('reset'), { code: 'ECONNRESET' });
        return 'ok';
      },
      { baseMs: 10, jitter: 0, sleep: wait },
    );
    expect(value).toBe('ok');
    expect(attempts).toEqual([0, 1, 2]);
    expect(slept).toEqual([10, 20]);
  });

  it('does not retry permanent errors', async () => {
    const { sleep: wait, slept } = fakeSleep();
    let calls = 0;
    await expect(
      retry(
        () => {
          calls++;
          throw transient(401);
        },
        { sleep: wait },
      ),
    ).rejects.toThrow('upstream 401');
    expect(calls).toBe(1);
    expect(slept).toEqual([]);
  });

  it('honours retryAfterMs, and gives up on one longer than maxMs', async () => {
    const { sleep: wait, slept } = fakeSleep();
    let calls = 0;
    const value = await retry(
      () => {
        if (calls++ === 0) throw Object.assign(transient(429), { retryAfterMs: 1_500 });
        return 'ok';
      },
      { baseMs: 100, maxMs: 2_000, sleep: wait },
    );
    expect(value).toBe('ok');
    expect(slept).toEqual([1_500]);
    await expect(retry(() => Promise.reject(Object.assign(transient(429), { retryAfterMs: 60_000 })), { maxMs: 2_000, sleep: wait })).rejects.toThrow('429');
    expect(slept).toEqual([1_500]);
  });

  it('stops when the signal aborts, during the wait', async () => {
    const controller = new AbortController();
    let calls = 0;
    const pending = retry(
      () => {
        calls++;
        throw transient();
      },
      { baseMs: 60_000, maxMs: 60_000, signal: controller.signal },
    );
    controller.abort(new Error('client went away'));
    await expect(pending).rejects.toThrow('client went away');
    expect(calls).toBe(1);
  });

  it('sleep rejects at once on an already aborted signal', async () => {
    await expect(sleep(60_000, AbortSignal.abort(new Error('gone')))).rejects.toThrow('gone');
  });
});

describe('isTransientError', () => {
  it('classifies statuses, network codes, fetch failures and explicit flags', () => {
    expect(isTransientError(transient(503))).toBe(true);
    expect(isTransientError(transient(429))).toBe(true);
    expect(isTransientError(transient(400))).toBe(false);
    expect(isTransientError(Object.assign(new Error('x'), { code: 'ETIMEDOUT' }))).toBe(true);
    expect(isTransientError(new TypeError('fetch failed', { cause: Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }) }))).toBe(true);
    expect(isTransientError(Object.assign(new Error('x'), { name: 'TimeoutError' }))).toBe(true);
    expect(isTransientError(Object.assign(new Error('x'), { name: 'AbortError' }))).toBe(false);
    expect(isTransientError(Object.assign(transient(503), { retryable: false }))).toBe(false);
    expect(isTransientError(new Error('bad input'))).toBe(false);
  });
});
