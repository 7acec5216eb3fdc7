import { describe, expect, it } from 'vitest';
import type { DemoEvent } from '../../../src-shared/ipc/demo-types';
import { applyDemoEvent } from './demo-store';
import type { DemoRunState } from './demo-store';

describe('the demo run folded from its progress events', () => {
  it('keeps the latest step until the run starts, the last lead, and every incident in order', () => {
    let state: Pick<DemoRunState, 'incidents'> & Partial<DemoRunState> = { incidents: [] };
    const apply = (event: DemoEvent): Partial<DemoRunState> => {
      const patch = applyDemoEvent(state, event);
      state = { ...state, ...patch };
      return patch;
    };
    expect(apply({ kind: 'step', message: 'deploying' })).toEqual({ step: 'deploying' });
    expect(apply({ kind: 'started', agent: 'lead-gen-demo', runId: 'lg-1', version: 'v1', deploymentId: 'd', endpoint: 'e', budgetUsd: 50, leads: 100, pace: 'fast', variant: 'javascript' })).toEqual({ runId: 'lg-1', agent: 'lead-gen-demo', total: 100, step: null });
    apply({ kind: 'incident', incident: { kind: 'breaker_open', lead: 34, message: 'open' } });
    apply({ kind: 'incident', incident: { kind: 'key_rotated', lead: 50, message: 'rotated' } });
    expect(state.incidents.map((incident) => incident.lead)).toEqual([34, 50]);
  });

  it('shows a pause where the run waits and clears it when the run goes on', () => {
    const state = { incidents: [] };
    expect(applyDemoEvent(state, { kind: 'paused', afterLead: 34, reason: 'incident' })).toEqual({ paused: { afterLead: 34, reason: 'incident' }, pauseRequested: false });
    expect(applyDemoEvent(state, { kind: 'resumed', afterLead: 34, pausedMs: 1200 })).toEqual({ paused: null, pauseRequested: false });
  });
});
