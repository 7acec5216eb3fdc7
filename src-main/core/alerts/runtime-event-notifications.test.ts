// Notifications straight from runtime events, over a real notifications table: a breaker outage
// is one critical notification when it opens and one info when it recovers — not one per failed
// trial in between — and personal data found in a stream of runs is one warning per quiet window.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Disposable } from '../contracts';
import type { IngestEvent } from '../store/telemetry-repository';
import { tempDatabase } from '../store/test-support';
import type { TempDatabase } from '../store/test-support';
import { NotificationCenter } from './notification-center';
import { notifyRuntimeEvents } from './runtime-event-notifications';
import type { LiveEventSource } from './runtime-event-notifications';

let temp: TempDatabase;
let center: NotificationCenter;
let send: (events: IngestEvent[]) => void;
let subscription: Disposable;
let now = 0;
let eventId = 0;

const source: LiveEventSource = {
  onEvents(listener) {
    send = listener;
    return { dispose: () => (send = () => undefined) };
  },
};

function event(type: string, data: Record<string, unknown>, traceId?: string): IngestEvent {
  return { agentId: 'agent-1', source: 'replica-0', eventId: ++eventId, type, time: new Date(now).toISOString(), data, ...(traceId ? { traceId } : {}) };
}

const breaker = (from: string, to: string, reason: string): IngestEvent => event('breaker', { service: 'linkedin', from, to, reason, consecutiveFailures: 5, failureThreshold: 5, cooldownMs: 60_000 });

beforeEach(() => {
  temp = tempDatabase();
  center = NotificationCenter.over(temp.db);
  now = Date.parse('2026-11-21T10:00:00Z');
  subscription = notifyRuntimeEvents(source, center, { agentName: () => 'lead-gen', clock: () => now, piiQuietMs: 60_000 });
});

afterEach(() => {
  subscription.dispose();
  temp.cleanup();
});

const titles = (): string[] => center.repository.list({}).map((row) => `${row.severity}: ${row.title}`).reverse();

describe('breaker notifications', () => {
  it('are one when the breaker opens and one when it recovers, whatever the failed trials between', () => {
    send([breaker('CLOSED', 'OPEN', 'failure_threshold')]);
    for (let trial = 0; trial < 3; trial++) send([breaker('OPEN', 'HALF_OPEN', 'cooldown_elapsed'), breaker('HALF_OPEN', 'OPEN', 'trial_failed')]);
    send([breaker('OPEN', 'HALF_OPEN', 'cooldown_elapsed'), breaker('HALF_OPEN', 'CLOSED', 'trial_succeeded')]);
    expect(titles()).toEqual(['critical: lead-gen: circuit breaker open for linkedin', 'info: lead-gen: linkedin recovered']);
    expect(center.repository.list({})[1]?.body).toBe('Safety cutoff: 5 consecutive failures (threshold 5). Calls to linkedin skip it and go to the fallbacks for 60 s, then one trial call decides.');
  });

  it('tell of a second outage after a recovery', () => {
    send([breaker('CLOSED', 'OPEN', 'failure_threshold'), breaker('OPEN', 'HALF_OPEN', 'cooldown_elapsed'), breaker('HALF_OPEN', 'CLOSED', 'trial_succeeded')]);
    send([breaker('CLOSED', 'OPEN', 'failure_threshold')]);
    expect(titles()).toEqual(['critical: lead-gen: circuit breaker open for linkedin', 'info: lead-gen: linkedin recovered', 'critical: lead-gen: circuit breaker open for linkedin']);
  });
});

describe('personal-data notifications', () => {
  it('sum up a run, naming types and stages but no value, and stay quiet for the window after', () => {
    send([event('policy', { rule: 'pii.email', piiType: 'EMAIL', count: 2, stage: 'llm_output', action: 'redacted' }, 't1'), event('policy', { rule: 'pii.phone', piiType: 'PHONE', stage: 'post_invoke', action: 'redacted' }, 't1')]);
    now += 30_000;
    send([event('policy', { rule: 'pii.email', piiType: 'EMAIL', stage: 'llm_output', action: 'redacted' }, 't2')]);
    now += 31_000;
    send([event('policy', { rule: 'pii.email', piiType: 'EMAIL', stage: 'pre_invoke', action: 'blocked' }, 't3')]);
    const rows = center.repository.list({}).reverse();
    expect(rows.map((row) => row.title)).toEqual(['lead-gen: personal data redacted', 'lead-gen: personal data refused']);
    expect(rows[0]?.body).toBe("3 values redacted in a model answer and the agent's output: EMAIL ×2, PHONE ×1. Values are never stored; the audit log keeps a keyed hash.");
  });
});
