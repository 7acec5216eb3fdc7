import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { API_KEY_PATTERN, checkApiKey, createApiKeyIndex, generateApiKey, hashApiKey, keysDueForRotation } from './api-keys';
import { issueKey } from './test-support';

const NOW = Date.UTC(2025, 0, 15);

describe('generateApiKey', () => {
  it('makes adk_ + 43 base62 characters, its SHA-256 hex and a display prefix', () => {
    const key = generateApiKey();
    expect(key.raw).toMatch(/^adk_[0-9A-Za-z]{43}$/);
    expect(key.raw).toMatch(API_KEY_PATTERN);
    expect(key.hash).toBe(createHash('sha256').update(key.raw).digest('hex'));
    expect(key.hash).toBe(hashApiKey(key.raw));
    expect(key.prefix).toBe(key.raw.slice(0, 12));
  });

  it('draws every base62 character, and never the same key twice', () => {
    const keys = Array.from({ length: 200 }, () => generateApiKey().raw);
    expect(new Set(keys).size).toBe(200);
    const seen = new Set(keys.join('').replace(/adk_/g, ''));
    expect(seen.size).toBe(62);
  });
});

describe('API key lookup', () => {
  const active = issueKey('key-active', 'developer');
  const revoked = issueKey('key-revoked', 'viewer', { revoked: true });
  const expired = issueKey('key-expired', 'viewer', { expiresAt: '2025-01-01T00:00:00Z' });
  const later = issueKey('key-later', 'viewer', { expiresAt: '2026-01-01T00:00:00Z' });
  const index = createApiKeyIndex([active.record, revoked.record, expired.record, later.record]);

  it('finds the record whose hash matches, and nothing for other keys', () => {
    expect(index.find(active.raw)?.id).toBe('key-active');
    expect(index.find(later.raw)?.id).toBe('key-later');
    expect(index.find(generateApiKey().raw)).toBeUndefined();
    expect(index.find(active.record.hash)).toBeUndefined();
  });

  it('says why a key is refused: revoked, expired, unknown, malformed', () => {
    expect(checkApiKey(index, active.raw, NOW)).toMatchObject({ ok: true, record: { id: 'key-active' } });
    expect(checkApiKey(index, later.raw, NOW).ok).toBe(true);
    expect(checkApiKey(index, revoked.raw, NOW)).toEqual({ ok: false, reason: 'revoked' });
    expect(checkApiKey(index, expired.raw, NOW)).toEqual({ ok: false, reason: 'expired' });
    expect(checkApiKey(index, later.raw, Date.UTC(2026, 0, 1))).toEqual({ ok: false, reason: 'expired' });
    expect(checkApiKey(index, generateApiKey().raw, NOW)).toEqual({ ok: false, reason: 'unknown' });
    expect(checkApiKey(index, 'sk-proj-notours', NOW)).toEqual({ ok: false, reason: 'malformed' });
  });
});

describe('keysDueForRotation', () => {
  it('names active keys older than rotation_days', () => {
    const records = [
      issueKey('old', 'viewer', { createdAt: '2024-11-01T00:00:00Z' }).record,
      issueKey('old-revoked', 'viewer', { createdAt: '2024-11-01T00:00:00Z', revoked: true }).record,
      issueKey('fresh', 'viewer', { createdAt: '2025-01-10T00:00:00Z' }).record,
      issueKey('undated', 'viewer').record,
    ];
    expect(keysDueForRotation(records, 30, NOW)).toEqual(['old']);
    expect(keysDueForRotation(records, 90, NOW)).toEqual([]);
  });
});
