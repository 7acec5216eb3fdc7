import { describe, expect, it } from 'vitest';
import { severityOf } from './event-severity';

describe('severityOf', () => {
  it('uses an explicit level first', () => {
    expect(severityOf({ type: 'invoke.end', data: { severity: 'error' } })).toBe('error');
    expect(severityOf({ type: 'invoke.error', data: { level: 'info' } })).toBe('info');
  });

  it('falls back to the type name', () => {
    expect(severityOf({ type: 'policy.denied', data: {} })).toBe('error');
    expect(severityOf({ type: 'budget.warning', data: {} })).toBe('warning');
    expect(severityOf({ type: 'invoke.end', data: {} })).toBe('info');
    expect(severityOf({ type: 'run_end', data: { status: 'ok' } })).toBe('info');
    expect(severityOf({ type: 'run_end', data: { status: 'error' } })).toBe('error');
  });

  it("reads the runtime's own types by what their fields mean", () => {
    expect(severityOf({ type: 'policy', data: { rule: 'pii.EMAIL', action: 'redacted', severity: 'high' } })).toBe('warning');
    expect(severityOf({ type: 'policy', data: { kind: 'pii_audit', severity: 'critical' } })).toBe('info');
    expect(severityOf({ type: 'budget', data: { level: 'warning' } })).toBe('warning');
    expect(severityOf({ type: 'budget', data: { level: 'blocked' } })).toBe('error');
    expect(severityOf({ type: 'budget', data: { level: 'limit_changed' } })).toBe('info');
    expect(severityOf({ type: 'breaker', data: { to: 'OPEN' } })).toBe('error');
    expect(severityOf({ type: 'breaker', data: { to: 'CLOSED' } })).toBe('info');
    expect(severityOf({ type: 'progress', data: { done: 1, total: 2 } })).toBe('info');
  });
});
