/** Severity of a runtime event for colouring the event log: an explicit level wins, then the type name. */
import type { LiveEvent } from '../../../../src-shared/ipc/console-types';

export type EventSeverity = 'error' | 'warning' | 'info';

/** `error` for failures (a failed run_end too), denials and breaker trips; `warning` for budget and PII; `info` otherwise. */
export function severityOf(event: Pick<LiveEvent, 'type' | 'data'>): EventSeverity {
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
