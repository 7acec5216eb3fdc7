import { describe, expect, it } from 'vitest';
import type { AgentRow } from '../../../../src-shared/ipc/console-types';
import { fleetSignature } from './use-control-snapshot';

const row = (agent: string, patch: Partial<AgentRow> = {}): AgentRow => ({
  agentId: `id-${agent}`,
  agent,
  target: 'process',
  version: 'v1',
  deploymentId: 'dep-1',
  health: 'healthy',
  replicasReady: 1,
  replicasWanted: 1,
  endpoint: 'http://127.0.0.1:1',
  activeSince: '2026-11-21T10:00:00Z',
  requests: 10,
  p95Ms: 40,
  errorRate: 0,
  spendUsd: 1,
  budgetPercent: 2,
  budgetLimitUsd: 50,
  ...patch,
});

describe('what makes the control panel refetch its snapshot', () => {
  it('is a deployment, health, replica or budget change of an agent in scope', () => {
    const before = fleetSignature([row('a'), row('b')], undefined);
    expect(fleetSignature([row('a', { deploymentId: null, version: null, health: 'stopped' }), row('b')], undefined)).not.toBe(before);
    expect(fleetSignature([row('a', { deploymentId: 'dep-2', version: 'v2' }), row('b')], undefined)).not.toBe(before);
    expect(fleetSignature([row('a', { replicasReady: 0 }), row('b')], undefined)).not.toBe(before);
    expect(fleetSignature([row('a', { budgetLimitUsd: 75 }), row('b')], undefined)).not.toBe(before);
    expect(fleetSignature([row('a'), row('b'), row('c')], undefined)).not.toBe(before);
  });

  it('is not the traffic figures the events patch already, nor agents out of scope', () => {
    const before = fleetSignature([row('a'), row('b')], 'a');
    expect(fleetSignature([row('a', { requests: 99, p95Ms: 80, spendUsd: 3, budgetPercent: 6, errorRate: 0.1 }), row('b')], 'a')).toBe(before);
    expect(fleetSignature([row('a'), row('b', { health: 'stopped', deploymentId: null })], 'a')).toBe(before);
  });
});
