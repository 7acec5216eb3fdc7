import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConsoleAccessRepository, hashConsoleToken } from './console-access-repository';
import { tempDatabase } from './test-support';
import type { TempDatabase } from './test-support';

let temp: TempDatabase;
let tokens: ConsoleAccessRepository;

beforeEach(() => {
  temp = tempDatabase();
  tokens = new ConsoleAccessRepository(temp.db);
});
afterEach(() => temp.cleanup());

describe('ConsoleAccessRepository', () => {
  it('returns the raw token once and stores only its SHA-256', () => {
    const { token, raw } = tokens.create({ name: 'bob', role: 'viewer', createdBy: 'ann' });
    expect(raw).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(token).toMatchObject({ name: 'bob', role: 'viewer', prefix: raw.slice(0, 6), createdBy: 'ann' });
    expect(Object.values(token)).not.toContain(raw);
    temp.db.checkpoint();
    const bytes = readFileSync(temp.file);
    expect(bytes.includes(raw)).toBe(false);
    expect(bytes.includes(hashConsoleToken(raw))).toBe(true);
  });

  it('finds live tokens by their raw value and forgets revoked ones', () => {
    const { token, raw } = tokens.create({ name: 'carol', role: 'developer', createdBy: 'ann' });
    expect(tokens.findActive(raw)?.id).toBe(token.id);
    expect(tokens.isActive(token.id)).toBe(true);
    expect(tokens.findActive('not a token')).toBeUndefined();
    expect(tokens.findActive('A'.repeat(43))).toBeUndefined();
    const revoked = tokens.revoke(token.id);
    expect(revoked.revokedAt).toBeDefined();
    temp.clock.advance(5000);
    expect(tokens.revoke(token.id).revokedAt).toBe(revoked.revokedAt);
    expect(tokens.findActive(raw)).toBeUndefined();
    expect(tokens.isActive(token.id)).toBe(false);
    expect(tokens.list()).toEqual([]);
    expect(tokens.list({ includeRevoked: true }).map((each) => each.id)).toEqual([token.id]);
  });

  it('refuses unknown roles, empty names and unknown ids with what to do', () => {
    expect(() => tokens.create({ name: 'eve', role: 'root' as never, createdBy: 'ann' })).toThrow(expect.objectContaining({ code: 'E2040' }));
    expect(() => tokens.create({ name: '  ', role: 'viewer', createdBy: 'ann' })).toThrow(expect.objectContaining({ code: 'E2040' }));
    expect(() => tokens.revoke('cat_nope')).toThrow(/agentdock serve token list/);
  });

  it('records the last sign-in', () => {
    const { token } = tokens.create({ name: 'dan', role: 'admin', createdBy: 'ann' });
    tokens.markUsed(token.id, '2030-01-01T00:00:00.000Z');
    tokens.markUsed(token.id, '2029-01-01T00:00:00.000Z');
    expect(tokens.get(token.id)?.lastUsedAt).toBe('2030-01-01T00:00:00.000Z');
  });
});
