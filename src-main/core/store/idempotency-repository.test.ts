import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hashRequest, IdempotencyRepository } from './idempotency-repository';
import { tempDatabase } from './test-support';
import type { TempDatabase } from './test-support';

let temp: TempDatabase;
let keys: IdempotencyRepository;

beforeEach(() => {
  temp = tempDatabase();
  keys = new IdempotencyRepository(temp.db, { ttlMs: 60_000 });
});
afterEach(() => temp.cleanup());

const request = hashRequest({ agent: 'doc', target: 'docker' });

describe('IdempotencyRepository', () => {
  it('runs a request once and replays its response', () => {
    expect(keys.begin('k1', 'deploy', request)).toEqual({ kind: 'new' });
    expect(keys.begin('k1', 'deploy', request)).toEqual({ kind: 'pending', since: temp.db.now() });
    keys.complete('k1', 'deploy', { deploymentId: 'dep_1', version: 'v1' });
    expect(keys.begin('k1', 'deploy', request)).toEqual({ kind: 'replay', response: { deploymentId: 'dep_1', version: 'v1' } });
    // Another connection (another process) sees the same.
    expect(new IdempotencyRepository(temp.reopen()).begin('k1', 'deploy', request)).toEqual({ kind: 'replay', response: { deploymentId: 'dep_1', version: 'v1' } });
  });

  it('refuses the same key for a different request, and keeps scopes apart', () => {
    keys.begin('k1', 'deploy', request);
    expect(keys.begin('k1', 'deploy', hashRequest({ agent: 'doc', target: 'process' }))).toEqual({ kind: 'conflict' });
    expect(keys.begin('k1', 'rollback', hashRequest({ agent: 'doc', target: 'process' }))).toEqual({ kind: 'new' });
  });

  it('lets a failed request be retried after abandon, and a key be reused after it expires', () => {
    keys.begin('k1', 'deploy', request);
    expect(keys.pending()).toEqual([{ key: 'k1', scope: 'deploy', since: temp.db.now() }]);
    keys.abandon('k1', 'deploy');
    expect(keys.begin('k1', 'deploy', request)).toEqual({ kind: 'new' });
    keys.complete('k1', 'deploy', { ok: true });
    expect(() => keys.complete('k1', 'deploy', { ok: false })).toThrow(expect.objectContaining({ code: 'E2050' }));
    temp.clock.advance(60_001);
    expect(keys.begin('k1', 'deploy', hashRequest({ other: true }))).toEqual({ kind: 'new' });
  });

  it('hashes requests canonically', () => {
    expect(hashRequest({ b: 1, a: [1, { d: 2, c: 3 }] })).toBe(hashRequest({ a: [1, { c: 3, d: 2 }], b: 1 }));
    expect(hashRequest({ a: 1, skipped: undefined })).toBe(hashRequest({ a: 1 }));
    expect(hashRequest({ a: 1 })).not.toBe(hashRequest({ a: '1' }));
    expect(hashRequest({ a: 1 })).toMatch(/^[0-9a-f]{64}$/);
  });
});
