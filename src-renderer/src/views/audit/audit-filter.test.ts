import { describe, expect, it } from 'vitest';
import type { AuditRow } from '../../../../src-shared/ipc/admin-types';
import { actionSuggestions, auditListInput, detailsSummary, EMPTY_FILTER, hasFilter, PAGE_SIZE } from './audit-filter';

const row = (action: string, details: Record<string, unknown> | null = null): AuditRow => ({
  key: `a:${action}`,
  source: 'admin',
  time: '2030-03-01T10:00:00.000Z',
  actor: 'ann',
  role: 'admin',
  action,
  target: 'agent:alpha',
  success: true,
  error: null,
  details,
});

describe('auditListInput', () => {
  it('leaves empty fields out, trims the rest, and pages with the cursor', () => {
    expect(auditListInput(EMPTY_FILTER)).toEqual({ limit: PAGE_SIZE });
    expect(auditListInput({ ...EMPTY_FILTER, actor: ' ann ', action: 'deploy:*', text: 'timeout' }, 'a12.s3')).toEqual({ actor: 'ann', action: 'deploy:*', text: 'timeout', limit: PAGE_SIZE, before: 'a12.s3' });
  });

  it('sends local times as UTC instants and drops unreadable ones', () => {
    const input = auditListInput({ ...EMPTY_FILTER, from: '2030-03-01T10:00', to: 'garbage' });
    expect(input.from).toBe(new Date(2030, 2, 1, 10, 0).toISOString());
    expect(input.to).toBeUndefined();
  });
});

describe('hasFilter, detailsSummary, actionSuggestions', () => {
  it('knows an empty form', () => {
    expect(hasFilter(EMPTY_FILTER)).toBe(false);
    expect(hasFilter({ ...EMPTY_FILTER, agent: 'alpha' })).toBe(true);
  });

  it('summarises details on one line, cut at the limit', () => {
    expect(detailsSummary(row('deploy:create', { version: 'v1', replicas: 2 }))).toBe('version=v1 replicas=2');
    expect(detailsSummary(row('deploy:create'))).toBe('');
    expect(detailsSummary(row('x', { text: 'a'.repeat(200) }), 20)).toBe(`text=${'a'.repeat(14)}…`);
  });

  it('suggests the actions seen and their domains', () => {
    expect(actionSuggestions([row('deploy:create'), row('deploy:rollback'), row('secret:read')])).toEqual(['deploy:*', 'deploy:create', 'deploy:rollback', 'secret:*', 'secret:read']);
  });
});
