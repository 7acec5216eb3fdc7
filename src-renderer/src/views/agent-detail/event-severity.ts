/** Severity of a runtime event for colouring the event log: an explicit level wins, then the type name. */
import type { LiveEvent } from '../../../../src-shared/ipc/console-types';

export type EventSeverity = 'error' | 'warning' | 'info';

/** `error` for failures (a failed run_end too), denials and breaker trips; `warning` for budget and PII; `info` otherwise. */
export function severityOf(event: Pick<LiveEvent, 'type' | 'data'>): EventSeverity {
  const known = runtimeSeverity(event);
  if (known) return known;
  const level = event.data.severity ?? event.data.level;
  if (level === 'error' || level === 'critical' || level === 'fatal') return 'error';
  if (level === 'warning' || level === 'warn') return 'warning';
  if (level === 'info' || level === 'debug') return 'info';
  if (event.data.status === 'error' || event.data.ok === false) return 'error';
  const type = event.type.toLowerCase();
  if (/(error|fail|denied|deny|violation|breaker|crash|exceeded|blocked)/.test(type)) return 'error';
  if (/(warn|budget|pii|redact|retry|slow|injection)/.test(type)) return 'warning';
  return 'info';
}

/**
 * The runtime's own event types, whose `severity`/`level` fields mean something else: a PII
 * audit record's severity is the data's sensitivity, a budget event's level is its threshold.
 */
function runtimeSeverity(event: Pick<LiveEvent, 'type' | 'data'>): EventSeverity | undefined {
  const data = event.data;
  switch (event.type) {
    case 'policy':
      // Each was stopped or reported; the audit records only restate a finding.
      return data.kind === 'pii_audit' ? 'info' : 'warning';
    case 'budget':
      return data.level === 'blocked' || data.level === 'exceeded' ? 'error' : data.level === 'warning' ? 'warning' : 'info';
    case 'breaker':
      return data.to === 'OPEN' ? 'error' : data.to === 'HALF_OPEN' ? 'warning' : 'info';
    case 'progress':
      return 'info';
    default:
      return undefined;
  }
}
