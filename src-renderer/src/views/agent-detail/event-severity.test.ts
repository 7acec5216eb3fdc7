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
});
