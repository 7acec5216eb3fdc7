// The adapter from the store's telemetry rollups to samples, over real ingested run_end events,
// and the engine firing on what it produces.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AgentsRepository } from '../store/agents-repository';
import { toIso } from '../store/clock';
import { TelemetryRepository } from '../store/telemetry-repository';
import type { IngestEvent } from '../store/telemetry-repository';
import { tempDatabase } from '../store/test-support';
import type { TempDatabase } from '../store/test-support';
import { createAlerts } from './index';
import { sampleFromTelemetry } from './telemetry-samples';

const START = Date.parse('2025-01-17T10:00:00.000Z');
let temp: TempDatabase;
let agentId: string;
let telemetry: TelemetryRepository;

beforeEach(() => {
  temp = tempDatabase({}, START);
  agentId = new AgentsRepository(temp.db).create('lead-gen').id;
  telemetry = new TelemetryRepository(temp.db);
});
afterEach(() => temp.cleanup());

function runs(count: number, options: { failed: number; latencyMs: number; costUsd: number; atMs: number; from?: number }): IngestEvent[] {
  return Array.from({ length: count }, (_, index) => ({
    agentId,
    source: 'replica-1',
    eventId: (options.from ?? 0) + index,
    type: 'run_end',
    time: toIso(options.atMs),
    data: { status: index < options.failed ? 'error' : 'ok', latencyMs: options.latencyMs, costUsd: options.costUsd },
  }));
}

describe('sampleFromTelemetry', () => {
  it('reads error rate and p95 from the window and spend from the budget period', () => {
    // Old traffic (before the window) counts for spend but not for the error rate.
    telemetry.ingest(runs(10, { failed: 0, latencyMs: 100, costUsd: 2, atMs: START - 30 * 60_000 }));
    telemetry.ingest(runs(40, { failed: 10, latencyMs: 6000, costUsd: 0.5, atMs: START - 60_000, from: 100 }));
    const sample = sampleFromTelemetry(telemetry, { agentId, agentName: 'lead-gen', nowMs: START, windowMs: 5 * 60_000, budget: { limitUsd: 50, startedAt: toIso(START - 3_600_000), period: 'dep_1' } });
    expect(sample).toMatchObject({ agentId, requests: 40, errors: 10, errorRate: 0.25, spendUsd: 40, budgetLimitUsd: 50, budgetPeriod: 'dep_1', windowMs: 300_000 });
    expect(sample.p95Ms).toBeGreaterThan(5000);

    const alerts = createAlerts(temp.db);
    const decisions = alerts.engine.process([sample]);
    expect(decisions.map((decision) => decision.rule)).toEqual(['error_rate', 'latency_p95']);
  });

  it('without a budget, reports window spend and no limit', () => {
    telemetry.ingest(runs(3, { failed: 0, latencyMs: 10, costUsd: 1, atMs: START - 60_000 }));
    const sample = sampleFromTelemetry(telemetry, { agentId, agentName: 'lead-gen', nowMs: START, windowMs: 300_000 });
    expect(sample).toMatchObject({ requests: 3, spendUsd: 3, budgetLimitUsd: null });
    expect(sample.budgetPeriod).toBeUndefined();
  });
});
