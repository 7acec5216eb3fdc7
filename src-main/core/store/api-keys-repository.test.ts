import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseKeysFile } from '../../runtime/config/keys-file';
import { hashApiKey } from '../../runtime/auth/api-keys';
import { AgentsRepository } from './agents-repository';
import { ApiKeysRepository } from './api-keys-repository';
import { tempDatabase } from './test-support';
import type { TempDatabase } from './test-support';

let temp: TempDatabase;
let keys: ApiKeysRepository;
let agentId: string;

beforeEach(() => {
  temp = tempDatabase();
  keys = new ApiKeysRepository(temp.db);
  agentId = new AgentsRepository(temp.db).create('doc').id;
});
afterEach(() => temp.cleanup());

describe('ApiKeysRepository', () => {
  it('returns the raw key once and stores only its SHA-256', () => {
    const { key, raw } = keys.create({ agentId, role: 'developer', label: 'ci', createdBy: 'ann' });
    expect(raw).toMatch(/^adk_[0-9A-Za-z]{43}$/);
    expect(key.hash).toBe(hashApiKey(raw));
    expect(key.prefix).toBe(raw.slice(0, 12));
    expect(Object.values(key)).not.toContain(raw);
    temp.db.checkpoint();
    const bytes = readFileSync(temp.file);
    expect(bytes.includes(raw)).toBe(false);
    expect(bytes.includes(raw.slice(12))).toBe(false);
    expect(bytes.includes(key.hash)).toBe(true);
  });

  it('finds a key by its raw value, revokes it and rotates with a grace period', () => {
    const { key, raw } = keys.create({ agentId, role: 'admin', createdBy: 'ann' });
    expect(keys.findByRaw(raw)?.id).toBe(key.id);
    expect(keys.findByRaw('adk_unknownunknownunknown')).toBeUndefined();
    expect(keys.findByRaw('not a key')).toBeUndefined();
    const rotated = keys.rotate(key.id, { createdBy: 'ann', graceSeconds: 3600 });
    expect(rotated.raw).not.toBe(raw);
    expect(rotated.key).toMatchObject({ role: 'admin', agentId });
    expect(rotated.previous.expiresAt).toBe(new Date(temp.clock.ms + 3_600_000).toISOString());
    expect(rotated.previous.revokedAt).toBeUndefined();
    const revoked = keys.revoke(rotated.key.id);
    temp.clock.advance(5000);
    expect(keys.revoke(rotated.key.id).revokedAt).toBe(revoked.revokedAt);
    expect(keys.list(agentId).map((each) => each.id)).toEqual([key.id]);
    expect(keys.list(agentId, { includeRevoked: true })).toHaveLength(2);
    expect(() => keys.rotate(rotated.key.id, { createdBy: 'ann' })).toThrow(expect.objectContaining({ code: 'E2023' }));
  });

  it('writes records the runtime accepts as keys.json', () => {
    const live = keys.create({ agentId, role: 'developer', expiresAt: '2030-01-01T00:00:00Z', createdBy: 'ann' });
    const gone = keys.create({ agentId, role: 'viewer', createdBy: 'ann' });
    keys.revoke(gone.key.id);
    const file = parseKeysFile({ keys: keys.keysFile(agentId) });
    expect(file.keys).toHaveLength(2);
    expect(file.keys.find((record) => record.id === live.key.id)).toMatchObject({ hash: hashApiKey(live.raw), role: 'developer', expiresAt: '2030-01-01T00:00:00.000Z' });
    expect(file.keys.find((record) => record.id === gone.key.id)?.revoked).toBe(true);
  });

  it('refuses a bad role, a bad expiry and an unknown agent', () => {
    expect(() => keys.create({ agentId, role: 'a b', createdBy: 'ann' })).toThrow(expect.objectContaining({ code: 'E2040' }));
    expect(() => keys.create({ agentId, role: 'admin', expiresAt: 'tomorrow', createdBy: 'ann' })).toThrow(expect.objectContaining({ code: 'E2001' }));
    expect(() => keys.create({ agentId: 'ag_nope', role: 'admin', createdBy: 'ann' })).toThrow(expect.objectContaining({ code: 'E2004' }));
  });
});
