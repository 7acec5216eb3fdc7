/**
 * In-app notifications straight from runtime events, for what the alert rules do not see (seed
 * 002 #24: "safety cutoff alert (detailed breakdown)", "privacy protection alert (sanitized
 * preview)"): a circuit breaker opening (critical) and closing again (info), and personal data
 * redacted or refused by the policy engine (warning). Budget warnings come from the alert rules
 * (`alert:budget_warning`, `alert:budget_exceeded`), which carry the increase action.
 *
 * Decisions:
 * - A PII notification covers one run (the events of one trace in a batch) and says what was found
 *   where — types, counts and the stage — never a value (events never carry one). At most one per
 *   agent per `piiQuietMs` (default a minute): a stream of requests full of e-mail addresses is one
 *   notification, not hundreds; the Protection panel still counts every finding.
 * - Only the transitions a person acts on are notified: CLOSED → OPEN, and CLOSED again after a
 *   trial succeeded. A failed trial (HALF_OPEN → OPEN) is the same outage going on: the opening's
 *   notification stands, rather than one more for every cooldown the service stays down.
 */
import { isPiiKeptOut } from '../../../src-shared/ipc/control-fold';
import type { Disposable } from '../contracts';
import type { IngestEvent } from '../store/telemetry-repository';
import type { NotificationCenter } from './notification-center';

export interface RuntimeEventNotificationOptions {
  /** Agent id → name, for titles. */
  agentName(agentId: string): string;
  clock?: () => number;
  piiQuietMs?: number;
}

/** Where events come from (TelemetryService.onEvents). */
export interface LiveEventSource {
  onEvents(listener: (events: readonly IngestEvent[]) => void): Disposable;
}

const STAGES: Record<string, string> = { pre_invoke: 'the input', post_invoke: "the agent's output", llm_output: 'a model answer', in_invoke: 'a tool call' };

/** Notifies breaker and PII events as they arrive; dispose stops listening. */
export function notifyRuntimeEvents(source: LiveEventSource, notifications: NotificationCenter, options: RuntimeEventNotificationOptions): Disposable {
  const clock = options.clock ?? Date.now;
  const quietMs = options.piiQuietMs ?? 60_000;
  const lastPii = new Map<string, number>();

  return source.onEvents((events) => {
    const pii = new Map<string, IngestEvent[]>();
    for (const event of events) {
      if (event.type === 'breaker') notifyBreaker(event);
      else if (event.type === 'policy' && isPiiKeptOut(event.data)) {
        const key = `${event.agentId}\u0000${event.traceId ?? ''}`;
        pii.set(key, [...(pii.get(key) ?? []), event]);
      }
    }
    for (const findings of pii.values()) notifyPii(findings);
  });

  function notifyBreaker(event: IngestEvent): void {
    const data = event.data;
    const service = typeof data.service === 'string' ? data.service : 'a service';
    const name = options.agentName(event.agentId);
    const common = { agentId: event.agentId, agentName: name, source: 'breaker', data: { ...pick(data, ['service', 'from', 'to', 'reason', 'consecutiveFailures', 'failureThreshold', 'cooldownMs', 'blocked', 'costSavedUsd']), time: event.time } };
    if (data.to === 'OPEN' && data.from !== 'HALF_OPEN') {
      const cooldown = typeof data.cooldownMs === 'number' ? ` for ${Math.round(data.cooldownMs / 1000)} s` : '';
      const failures = typeof data.consecutiveFailures === 'number' ? `${data.consecutiveFailures} consecutive failures` : 'failures';
      const threshold = typeof data.failureThreshold === 'number' ? ` (threshold ${data.failureThreshold})` : '';
      notifications.notify({
        ...common,
        severity: 'critical',
        title: `${name}: circuit breaker open for ${service}`,
        body: `Safety cutoff: ${failures}${threshold}. Calls to ${service} skip it and go to the fallbacks${cooldown}, then one trial call decides.`,
      });
    } else if (data.to === 'CLOSED' && data.from === 'HALF_OPEN') {
      notifications.notify({ ...common, severity: 'info', title: `${name}: ${service} recovered`, body: `The trial call to ${service} succeeded; the circuit breaker is closed again.` });
    }
  }

  function notifyPii(findings: IngestEvent[]): void {
    const first = findings[0]!;
    const now = clock();
    const last = lastPii.get(first.agentId);
    if (last !== undefined && now - last < quietMs) return;
    lastPii.set(first.agentId, now);
    const byType: Record<string, number> = {};
    const stages = new Set<string>();
    let refused = false;
    for (const event of findings) {
      const type = typeof event.data.piiType === 'string' ? event.data.piiType : 'custom pattern';
      byType[type] = (byType[type] ?? 0) + (typeof event.data.count === 'number' && event.data.count >= 1 ? Math.floor(event.data.count) : 1);
      if (typeof event.data.stage === 'string') stages.add(event.data.stage);
      refused ||= event.data.action === 'blocked';
    }
    const total = Object.values(byType).reduce((sum, count) => sum + count, 0);
    const name = options.agentName(first.agentId);
    const where = [...stages].map((stage) => STAGES[stage] ?? stage).join(' and ');
    const what = Object.entries(byType)
      .map(([type, count]) => `${type} ×${count}`)
      .join(', ');
    notifications.notify({
      agentId: first.agentId,
      agentName: name,
      source: 'pii',
      severity: 'warning',
      title: `${name}: personal data ${refused ? 'refused' : 'redacted'}`,
      body: `${total} value${total === 1 ? '' : 's'} ${refused ? 'refused' : 'redacted'} in ${where || 'a run'}: ${what}. Values are never stored; the audit log keeps a keyed hash.`,
      data: { traceId: first.traceId ?? null, stages: [...stages], types: byType, action: refused ? 'blocked' : 'redacted', time: first.time },
    });
  }
}

function pick(data: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(keys.filter((key) => data[key] !== undefined).map((key) => [key, data[key]]));
}
