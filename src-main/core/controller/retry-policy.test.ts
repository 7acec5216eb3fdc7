// The retry policy: backoff arithmetic, which errors are transient, and withRetry's loop with an
// injected sleep (nothing waits) — plus a real connection error from a socket that is not there.
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { backoffDelayMs } from '../backoff';
import { CoreError } from '../contracts';
import { abortableSleep, DEFAULT_RETRY_POLICY, isTransientError, withRetry } from './retry-policy';
import type { RetryNotice } from './retry-policy';

describe('backoffDelayMs', () => {
  it('doubles from 5 s, caps at 5 min, and jitters by at most 20% either way', () => {
    const middle = () => 0.5; // no jitter
    expect([1, 2, 3, 4, 5, 6, 7, 8, 12].map((retry) => backoffDelayMs(DEFAULT_RETRY_POLICY, retry, middle))).toEqual([5_000, 10_000, 20_000, 40_000, 80_000, 160_000, 300_000, 300_000, 300_000]);
    expect(backoffDelayMs(DEFAULT_RETRY_POLICY, 1, () => 0)).toBe(4_000);
    expect(backoffDelayMs(DEFAULT_RETRY_POLICY, 1, () => 0.999_999)).toBe(6_000);
    expect(backoffDelayMs(DEFAULT_RETRY_POLICY, 2, () => 0)).toBe(8_000);
    // Jitter never pushes a wait past the maximum.
    expect(backoffDelayMs(DEFAULT_RETRY_POLICY, 9, () => 0.999_999)).toBe(300_000);
    expect(backoffDelayMs({ ...DEFAULT_RETRY_POLICY, baseMs: 100, maxMs: 1000, jitter: 0 }, 3, Math.random)).toBe(400);
  });
});

describe('isTransientError', () => {
  it('retries an unreachable engine, 5xx, 409 and 429; not invalid input, failed builds or health gates', async () => {
    const missingSocket = await new Promise<unknown>((resolve) => createConnection(path.join(tmpdir(), `agentdock-no-engine-${process.pid}.sock`)).on('error', resolve));
    expect(missingSocket).toMatchObject({ code: 'ENOENT', syscall: 'connect' });
    const transient: unknown[] = [
      missingSocket,
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:2375'), { code: 'ECONNREFUSED' }),
      Object.assign(new Error('(HTTP code 500) server error - driver failed programming external connectivity'), { statusCode: 500 }),
      Object.assign(new Error('(HTTP code 409) conflict - removal of container is already in progress'), { statusCode: 409 }),
      new CoreError('E2020', 'cannot reach the Docker engine while deploying (ECONNREFUSED)', { cause: 'ECONNREFUSED' }),
      new CoreError('E2021', 'deleting: removal of container abc is already in progress', { status: 409 }),
      new CoreError('E2021', 'starting: the engine is restarting', { status: 503 }),
    ];
    const permanent: unknown[] = [
      Object.assign(new Error('ENOENT: no such file or directory, open bundle/spec.json'), { code: 'ENOENT', syscall: 'open' }),
      Object.assign(new Error('(HTTP code 400) bad parameter - invalid mount config'), { statusCode: 400 }),
      Object.assign(new Error('(HTTP code 404) no such image: agentdock/x'), { statusCode: 404 }),
      Object.assign(new Error('(HTTP code 500) server error - invalid reference format'), { statusCode: 500 }),
      new CoreError('E2001', 'The Dockfile has 1 error(s)'),
      new CoreError('E2002', 'building the image of a: the command returned a non-zero code', { status: 500 }),
      new CoreError('E2010', 'not ready within 30 s'),
      new CoreError('E2021', 'starting: OCI runtime create failed: exec format error', { status: 500 }),
      new CoreError('E2023', 'replicas must be a whole number'),
      new Error('something else'),
      undefined,
    ];
    expect(transient.map(isTransientError)).toEqual(transient.map(() => true));
    expect(permanent.map(isTransientError)).toEqual(permanent.map(() => false));
  });
});

describe('withRetry', () => {
  const unreachable = (): CoreError => new CoreError('E2020', 'cannot reach the Docker engine (ECONNREFUSED)', { cause: 'ECONNREFUSED' });

  it('retries transient failures with the policy waits, telling each attempt, then succeeds', async () => {
    const waits: number[] = [];
    const notices: RetryNotice[] = [];
    const result = await withRetry(
      async (attempt) => {
        if (attempt < 3) throw unreachable();
        return `ok on ${attempt}`;
      },
      { sleep: async (ms) => void waits.push(ms), random: () => 0.5, onRetry: (notice) => notices.push(notice) },
    );
    expect(result).toBe('ok on 3');
    expect(waits).toEqual([5_000, 10_000]);
    expect(notices.map(({ attempt, of, delayMs }) => ({ attempt, of, delayMs }))).toEqual([
      { attempt: 2, of: 5, delayMs: 5_000 },
      { attempt: 3, of: 5, delayMs: 10_000 },
    ]);
  });

  it('gives up after maxAttempts with the last error, saying how many attempts it made', async () => {
    let calls = 0;
    const error = await withRetry(
      async () => {
        calls++;
        throw unreachable();
      },
      { policy: { maxAttempts: 3 }, sleep: async () => undefined },
    ).catch((caught: unknown) => caught);
    expect(calls).toBe(3);
    expect(error).toMatchObject({ code: 'E2020', message: 'cannot reach the Docker engine (ECONNREFUSED) (gave up after 3 attempts)', details: { attempts: 3 } });
  });

  it('does not retry a permanent error', async () => {
    let calls = 0;
    const invalid = new CoreError('E2001', 'invalid');
    await expect(
      withRetry(
        async () => {
          calls++;
          throw invalid;
        },
        { sleep: async () => undefined },
      ),
    ).rejects.toBe(invalid);
    expect(calls).toBe(1);
  });

  it('an abort cancels the wait at once and stops retrying', async () => {
    const controller = new AbortController();
    let calls = 0;
    const outcome = withRetry(
      async () => {
        calls++;
        throw unreachable();
      },
      // The real sleep: 5 minutes, unless aborted.
      { policy: { baseMs: 300_000 }, signal: controller.signal, onRetry: () => controller.abort(new Error('deploy cancelled')) },
    );
    await expect(outcome).rejects.toThrow('deploy cancelled');
    expect(calls).toBe(1);
    await expect(abortableSleep(300_000, AbortSignal.abort(new Error('already')))).rejects.toThrow('already');
  });
});
