import { QueryClient } from '@tanstack/react-query';
import { describe, expect, it } from 'vitest';
import type { AgentDetail, AgentRow } from '../../../src-shared/ipc/console-types';
import { filterFleet } from '../views/agents/fleet-filter';
import { applyFleetChangeToDetail, applyFleetChanges, patchFleetCache } from './fleet-cache';

function row(agent: string, overrides: Partial<AgentRow> = {}): AgentRow {
  return {
    agentId: `id-${agent}`,
    agent,
    target: 'process',
    version: 'v1',
    deploymentId: 'd1',
    health: 'healthy',
    replicasReady: 1,
    replicasWanted: 1,
    endpoint: 'http://127.0.0.1:4000',
    activeSince: '2025-03-10T12:00:00.000Z',
    requests: 0,
    p95Ms: null,
    errorRate: null,
    spendUsd: 0,
    budgetPercent: null,
    budgetLimitUsd: null,
    ...overrides,
  };
}

describe('applyFleetChanges', () => {
  it('replaces a row in place on upsert', () => {
    const rows = [row('alpha'), row('beta')];
    const next = applyFleetChanges(rows, [{ type: 'upsert', row: row('beta', { health: 'degraded' }) }]);
    expect(next?.map((r) => [r.agent, r.health])).toEqual([
      ['alpha', 'healthy'],
      ['beta', 'degraded'],
    ]);
    expect(rows[1]?.health).toBe('healthy'); // the cached array is never mutated
  });

  it('inserts a new row in name order and removes by id', () => {
    const rows = [row('alpha'), row('gamma')];
    const inserted = applyFleetChanges(rows, [{ type: 'upsert', row: row('beta') }]);
    expect(inserted?.map((r) => r.agent)).toEqual(['alpha', 'beta', 'gamma']);
    const removed = applyFleetChanges(inserted, [{ type: 'remove', agentId: 'id-alpha' }]);
    expect(removed?.map((r) => r.agent)).toEqual(['beta', 'gamma']);
    expect(applyFleetChanges(removed, [{ type: 'remove', agentId: 'id-nobody' }])).toBe(removed);
  });

  it('applies a batch at once and hands back the same array when every row is already there', () => {
    const rows = [row('alpha'), row('beta')];
    expect(applyFleetChanges(rows, [{ type: 'upsert', row: row('alpha') }, { type: 'upsert', row: row('beta') }])).toBe(rows);
    const next = applyFleetChanges(rows, [
      { type: 'upsert', row: row('delta') },
      { type: 'remove', agentId: 'id-alpha' },
      { type: 'upsert', row: row('beta', { requests: 5 }) },
      { type: 'upsert', row: row('charlie') },
    ]);
    expect(next?.map((r) => [r.agent, r.requests])).toEqual([
      ['beta', 5],
      ['charlie', 0],
      ['delta', 0],
    ]);
  });

  it('leaves a not-yet-loaded table alone', () => {
    expect(applyFleetChanges(undefined, [{ type: 'upsert', row: row('alpha') }])).toBeUndefined();
  });

  it('updates the open detail only for its own agent', () => {
    const detail: AgentDetail = { row: row('alpha'), versions: [], deployments: [], dockfileYaml: null, inputSchema: null, outputSchema: null, streaming: false, roles: [] };
    expect(applyFleetChangeToDetail(detail, { type: 'upsert', row: row('alpha', { replicasReady: 0 }) })?.row.replicasReady).toBe(0);
    expect(applyFleetChangeToDetail(detail, { type: 'upsert', row: row('beta') })).toBe(detail);
  });

  it('patches a real QueryClient cache under the keys the views read', () => {
    const queryClient = new QueryClient();
    queryClient.setQueryData(['agents:list'], [row('alpha')]);
    queryClient.setQueryData(['agents:get', { agent: 'alpha' }], { row: row('alpha'), versions: [], deployments: [], dockfileYaml: null, inputSchema: null, outputSchema: null });
    patchFleetCache(queryClient, [{ type: 'upsert', row: row('alpha', { health: 'unhealthy' }) }]);
    patchFleetCache(queryClient, [{ type: 'upsert', row: row('zeta') }]);
    expect(queryClient.getQueryData<AgentRow[]>(['agents:list'])?.map((r) => [r.agent, r.health])).toEqual([
      ['alpha', 'unhealthy'],
      ['zeta', 'healthy'],
    ]);
    expect(queryClient.getQueryData<AgentDetail>(['agents:get', { agent: 'alpha' }])?.row.health).toBe('unhealthy');
    queryClient.clear();
  });
});

describe('filterFleet', () => {
  it('filters by name substring and health', () => {
    const rows = [row('support-bot'), row('sales-bot', { health: 'degraded' }), row('triage')];
    expect(filterFleet(rows, 'BOT', 'all').map((r) => r.agent)).toEqual(['support-bot', 'sales-bot']);
    expect(filterFleet(rows, '', 'degraded').map((r) => r.agent)).toEqual(['sales-bot']);
    expect(filterFleet(rows, ' ', 'all')).toHaveLength(3);
  });
});
