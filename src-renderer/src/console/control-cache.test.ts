import { QueryClient } from '@tanstack/react-query';
import { describe, expect, it } from 'vitest';
import { emptyCounters } from '../../../src-shared/ipc/control-fold';
import type { ControlSnapshot, LiveEvent, NotificationRow } from '../../../src-shared/ipc/console-types';
import { applyEventToSnapshot, applyNotificationChange, patchControlCache, patchNotificationsCache } from './control-cache';

function snapshot(agent: string | null): ControlSnapshot {
  return {
    agent,
    at: '2025-03-10T12:00:00.000Z',
    agents: [],
    counters: emptyCounters(),
    complete: true,
    cost: { limitUsd: 50, spendRateUsdPerHour: 0, projectedMonthUsd: 0, monthEnd: '2025-04-01T00:00:00.000Z', budgetExhaustedAt: null },
    performance: { windowFrom: '2025-03-10T11:00:00.000Z', requests: 0, runsPerHour: 0, p50Ms: null, p95Ms: null, p99Ms: null, uptimePercent: 100 },
  };
}

let nextEventId = 1;
function event(agent: string, type: string, data: Record<string, unknown>): LiveEvent {
  return { agentId: `id-${agent}`, agent, source: 's', eventId: nextEventId++, type, time: '2025-03-10T12:01:00.000Z', data };
}

function notification(id: number, agent: string | null = 'lead-bot'): NotificationRow {
  return { id, agent, source: 'pii', severity: 'warning', title: `n${id}`, body: '', data: {}, createdAt: '2025-03-10T12:00:00.000Z', readAt: null, action: null };
}

describe('applyEventToSnapshot', () => {
  it('counts an event of its agent, and every agent in the fleet snapshot', () => {
    const spend = event('lead-bot', 'llm_call', { model: 'gpt-4o-mini', costUsd: 0.5, usage: { inputTokens: 10, outputTokens: 2 } });
    expect(applyEventToSnapshot(snapshot('lead-bot'), spend)?.counters.spendUsd).toBe(0.5);
    expect(applyEventToSnapshot(snapshot(null), spend)?.counters.spendUsd).toBe(0.5);
    const other = snapshot('other-bot');
    expect(applyEventToSnapshot(other, spend)).toBe(other);
  });

  it('keeps the same object for events that count nothing, and undefined before the first fetch', () => {
    const view = snapshot(null);
    expect(applyEventToSnapshot(view, event('lead-bot', 'log', { msg: 'x' }))).toBe(view);
    expect(applyEventToSnapshot(undefined, event('lead-bot', 'run_end', { status: 'ok' }))).toBeUndefined();
  });
});

describe('patchControlCache', () => {
  it("patches the panel's own snapshot in the query cache, leaving other scopes to refetch", () => {
    const client = new QueryClient();
    client.setQueryData(['control:snapshot'], snapshot(null));
    client.setQueryData(['control:snapshot', { agent: 'lead-bot' }], snapshot('lead-bot'));
    patchControlCache(client, {}, event('lead-bot', 'progress', { done: 23, total: 100, unit: 'leads' }));
    patchControlCache(client, {}, event('lead-bot', 'policy', { rule: 'pii.EMAIL', action: 'redacted', count: 1 }));
    patchControlCache(client, { agent: 'lead-bot' }, event('lead-bot', 'policy', { rule: 'tools.allowed', action: 'denied', count: 1 }));
    expect(client.getQueryData<ControlSnapshot>(['control:snapshot'])?.counters).toMatchObject({ piiBlocked: 1, unauthorizedTools: 0, progress: { 'lead-bot': { done: 23, total: 100 } } });
    expect(client.getQueryData<ControlSnapshot>(['control:snapshot', { agent: 'lead-bot' }])?.counters).toMatchObject({ piiBlocked: 0, unauthorizedTools: 1 });
  });
});

describe('notifications', () => {
  it('adds new ones on top once, respecting an agent filter, and drops dismissed ones from unread lists', () => {
    const rows = [notification(1)];
    expect(applyNotificationChange(rows, { type: 'added', notification: notification(2) })?.map((row) => row.id)).toEqual([2, 1]);
    expect(applyNotificationChange(rows, { type: 'added', notification: notification(1) })?.map((row) => row.id)).toEqual([1]);
    expect(applyNotificationChange(rows, { type: 'added', notification: notification(3, 'other') }, { agent: 'lead-bot' })?.map((row) => row.id)).toEqual([1]);
    expect(applyNotificationChange([notification(1), notification(2)], { type: 'dismissed', ids: [1] })?.map((row) => row.id)).toEqual([2]);
    expect(applyNotificationChange([notification(1)], { type: 'dismissed', ids: [1] }, { includeRead: true })?.[0]?.readAt).toEqual(expect.any(String));
    expect(applyNotificationChange(undefined, { type: 'dismissed', ids: [1] })).toBeUndefined();
  });

  it('patches every cached list', () => {
    const client = new QueryClient();
    client.setQueryData(['notifications:list'], [notification(1)]);
    client.setQueryData(['notifications:list', { agent: 'other' }], [notification(5, 'other')]);
    patchNotificationsCache(client, { type: 'added', notification: notification(2) });
    expect(client.getQueryData<NotificationRow[]>(['notifications:list'])?.map((row) => row.id)).toEqual([2, 1]);
    expect(client.getQueryData<NotificationRow[]>(['notifications:list', { agent: 'other' }])?.map((row) => row.id)).toEqual([5]);
  });
});
