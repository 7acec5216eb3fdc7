import { describe, expect, it } from 'vitest';
import { Budget } from './budget';
import type { BudgetExceeded, Reservation } from './budget';
import { RecordingEvents } from './test-support';

function reserved(result: Reservation | BudgetExceeded): Reservation {
  if ('exceeded' in result) throw new Error(`expected a reservation, got: ${result.message}`);
  return result;
}

function levels(events: RecordingEvents): unknown[] {
  return events.ofType('budget').map((event) => event.data.level);
}

describe('Budget', () => {
  it('counts reservations in flight against what remains', () => {
    const events = new RecordingEvents();
    const budget = new Budget({ limitUsd: 1 }, events);
    const first = reserved(budget.reserve(0.4, 'run-1'));
    reserved(budget.reserve(0.4, 'run-2'));
    const third = budget.reserve(0.4, 'run-3');
    expect(third).toMatchObject({ exceeded: true });
    expect((third as BudgetExceeded).message).toBe(
      'LLM budget exceeded: this call could cost up to $0.40 but only $0.20 of the $1.00 budget remains ($0.00 spent, $0.80 reserved by calls in flight)',
    );
    expect(events.ofType('budget').at(-1)).toMatchObject({ data: { level: 'blocked', requestedUsd: 0.4 }, traceId: 'run-3' });
    // Reconciling to the metered cost frees the rest of the reservation.
    budget.reconcile(first, 0.05);
    expect(budget.snapshot()).toEqual({ limitUsd: 1, spentUsd: 0.05, reservedUsd: 0.4, ratio: 0.05 });
    reserved(budget.reserve(0.4, 'run-3'));
  });

  it('warns once at 90%, stops at 100%, and says so once', () => {
    const events = new RecordingEvents();
    const budget = new Budget({ limitUsd: 50 }, events);
    budget.reconcile(reserved(budget.reserve(44)), 44);
    expect(levels(events)).toEqual([]);
    budget.reconcile(reserved(budget.reserve(1)), 1);
    expect(levels(events)).toEqual(['warning']);
    expect(events.ofType('budget')[0]?.data).toMatchObject({
      message: 'LLM spend reached 90% of the $50.00 budget ($45.00 spent)',
      suggestedIncreaseUsd: 25,
      spentUsd: 45,
      limitUsd: 50,
    });
    budget.reconcile(reserved(budget.reserve(2)), 2);
    expect(levels(events)).toEqual(['warning']);
    budget.reconcile(reserved(budget.reserve(3)), 3);
    expect(levels(events)).toEqual(['warning', 'exceeded']);
    const refused = budget.reserve(0.000001);
    expect((refused as BudgetExceeded).message).toBe('LLM budget exhausted: $50.00 of $50.00 spent; calls stop at 100%');
    budget.reserve(0.000001);
    expect(levels(events)).toEqual(['warning', 'exceeded', 'blocked', 'blocked']);
  });

  it('announces 100% when a call costs more than it reserved', () => {
    const events = new RecordingEvents();
    const budget = new Budget({ limitUsd: 1 }, events);
    // The input estimate (chars/4) can fall short of the provider's count.
    budget.reconcile(reserved(budget.reserve(0.5)), 1.2);
    expect(levels(events)).toEqual(['warning', 'exceeded']);
    expect(budget.reserve(0)).toMatchObject({ exceeded: true });
  });

  it('re-arms the alerts when an increase is approved', () => {
    const events = new RecordingEvents();
    const budget = new Budget({ limitUsd: 10 }, events);
    budget.reconcile(reserved(budget.reserve(10)), 10);
    budget.setLimit(15);
    expect(levels(events)).toEqual(['warning', 'exceeded', 'limit_changed']);
    expect(events.ofType('budget').at(-1)?.data).toMatchObject({ previousLimitUsd: 10, limitUsd: 15 });
    reserved(budget.reserve(4));
    budget.charge(4);
    expect(levels(events)).toEqual(['warning', 'exceeded', 'limit_changed', 'warning']);
  });

  it('settles a reservation once: a second reconcile or a release after it changes nothing', () => {
    const budget = new Budget({ limitUsd: 1 }, new RecordingEvents());
    const reservation = reserved(budget.reserve(0.5));
    budget.reconcile(reservation, 0.25);
    budget.reconcile(reservation, 0.25);
    budget.release(reservation);
    expect(budget.snapshot()).toMatchObject({ spentUsd: 0.25, reservedUsd: 0 });
  });

  it('adds many cheap calls exactly', () => {
    const budget = new Budget({ limitUsd: null }, new RecordingEvents());
    for (let call = 0; call < 1000; call += 1) budget.reconcile(reserved(budget.reserve(0.001)), 0.0000081);
    expect(budget.snapshot()).toEqual({ limitUsd: null, spentUsd: 0.0081, reservedUsd: 0, ratio: 0 });
  });

  it('refuses a limit that is not a number of dollars', () => {
    expect(() => new Budget({ limitUsd: -1 }, new RecordingEvents())).toThrow(/non-negative/);
    expect(() => new Budget({ limitUsd: 1, warnRatio: 1.5 }, new RecordingEvents())).toThrow(/warnRatio/);
  });
});
