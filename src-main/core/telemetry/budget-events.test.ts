// A runtime's budget event as a budget reading: newer than the last scrape it stands in for the
// gauges (so an alert run it triggers sees the spend the runtime reported); a scrape begun after
// it wins; spend never goes down within a process.
import { describe, expect, it } from 'vitest';
import type { IngestEvent } from '../store/telemetry-repository';
import { budgetEventReading, currentBudgetGauges } from './budget-events';
import type { ReplicaScrape } from './metrics-scraper';

const event = (type: string, data: Record<string, unknown>): IngestEvent => ({ agentId: 'agent_1', source: 'dep_1/r0@1', eventId: 7, type, time: '2030-01-01T00:00:00.000Z', data });

const scrape = (at: string, spent: number, limit: number, ok = true): ReplicaScrape => ({
  source: 'dep_1/r0@1',
  agentId: 'agent_1',
  deploymentId: 'dep_1',
  replicaId: 'r0',
  endpoint: 'http://127.0.0.1:1',
  at,
  ok,
  breakers: {},
  invalidLines: 0,
  budgetSpentUsd: spent,
  budgetLimitUsd: limit,
});

const RECEIVED = '2030-01-01T00:00:10.000Z';

describe('budget events as budget readings', () => {
  it('reads spend and limit from every budget event, and nothing from other events', () => {
    expect(budgetEventReading(event('budget', { level: 'warning', spentUsd: 45, limitUsd: 50, ratio: 0.9 }), RECEIVED)).toEqual({ agentId: 'agent_1', spentUsd: 45, limitUsd: 50, receivedAt: RECEIVED });
    expect(budgetEventReading(event('budget', { level: 'limit_changed', spentUsd: 3, limitUsd: null }), RECEIVED)).toMatchObject({ spentUsd: 3, limitUsd: null });
    expect(budgetEventReading(event('budget', { level: 'warning' }), RECEIVED)).toBeUndefined();
    expect(budgetEventReading(event('llm_call', { costUsd: 1, spentUsd: 45 }), RECEIVED)).toBeUndefined();
  });

  it('an event received after the scrape began stands in for its budget gauges', () => {
    const reading = budgetEventReading(event('budget', { level: 'warning', spentUsd: 45, limitUsd: 50 }), RECEIVED)!;
    expect(currentBudgetGauges(scrape('2030-01-01T00:00:05.000Z', 40, 50), reading)).toEqual({ agentId: 'agent_1', ok: true, budgetSpentUsd: 45, budgetLimitUsd: 50 });
    // No scrape yet, or the last one failed: the event alone.
    expect(currentBudgetGauges(undefined, reading)).toEqual({ agentId: 'agent_1', ok: true, budgetSpentUsd: 45, budgetLimitUsd: 50 });
    expect(currentBudgetGauges(scrape('2030-01-01T00:00:05.000Z', 0, 0, false), reading)).toMatchObject({ ok: true, budgetSpentUsd: 45 });
  });

  it('a scrape begun after the event wins; a replayed older event never lowers the spend', () => {
    const reading = budgetEventReading(event('budget', { level: 'warning', spentUsd: 45, limitUsd: 50 }), RECEIVED)!;
    const later = scrape('2030-01-01T00:00:11.000Z', 47, 75);
    expect(currentBudgetGauges(later, reading)).toBe(later);
    const replayed = budgetEventReading(event('budget', { level: 'warning', spentUsd: 45, limitUsd: 50 }), RECEIVED)!;
    expect(currentBudgetGauges(scrape('2030-01-01T00:00:05.000Z', 48, 50), replayed)).toMatchObject({ budgetSpentUsd: 48, budgetLimitUsd: 50 });
    expect(currentBudgetGauges(scrape('2030-01-01T00:00:05.000Z', 48, 50), undefined)).toMatchObject({ budgetSpentUsd: 48 });
  });
});
