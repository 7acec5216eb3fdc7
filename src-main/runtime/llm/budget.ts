/**
 * The spend limit of one runtime (one agent replica). Every model call reserves its worst-case
 * cost before it is sent and reconciles to the metered cost after, so calls in flight count
 * against what remains: two concurrent calls cannot both spend the last dollar. JavaScript runs
 * `reserve` to completion before another request is handled, which is what makes the check-and-
 * reserve atomic within the process.
 *
 * Amounts are integer picodollars internally (see src-shared/pricing), so a long run of cheap
 * calls adds up exactly. Alerts fire once per threshold (seed 002 #11, "no spam"): a `budget`
 * event at `warnRatio` (default 90%) and another when spend reaches 100%. Raising the limit
 * (`setLimit`, the console's "approve increase") re-arms them.
 *
 * Spend outlives the process when a `store` is given (budget-store.ts, in the replica's state
 * dir): a replica that crashed and was restarted goes on from what its deployment had spent, with
 * the warnings already given, instead of from $0 with a fresh budget.
 */
import { formatUsd } from '../../../src-shared/pricing/format-usd';
import { picoToUsd, usdToPico } from '../../../src-shared/pricing/price-table';
import type { EventSink } from '../contracts';

export interface BudgetOptions {
  /** USD; null means no limit (spend is still tracked). */
  limitUsd: number | null;
  /** Fraction of the limit at which the warning fires. */
  warnRatio?: number;
  /** Where spend is kept across restarts: read once here, written on every change. */
  store?: BudgetStore;
}

/** What a budget keeps across restarts: spend (integer picodollars) and the alerts already given. */
export interface BudgetState {
  spentPico: bigint;
  warned: boolean;
  exhausted: boolean;
}

export interface BudgetStore {
  load(): BudgetState | undefined;
  save(state: BudgetState): void;
}

export interface BudgetSnapshot {
  limitUsd: number | null;
  spentUsd: number;
  /** Worst-case cost of the calls in flight. */
  reservedUsd: number;
  /** spent / limit; 0 without a limit. */
  ratio: number;
}

/** Held budget for one call in flight; settle it exactly once with `reconcile` or `release`. */
export interface Reservation {
  readonly id: number;
  readonly amountUsd: number;
  readonly traceId?: string;
}

export interface BudgetExceeded {
  exceeded: true;
  /** One line for a person: what the call could cost and what remains (the caller adds what to do). */
  message: string;
  requestedUsd: number;
  snapshot: BudgetSnapshot;
}

/** Tracks spend against a limit, reserving worst-case costs for calls in flight. */
export class Budget {
  private limitPico: bigint | null;
  private readonly warnRatio: number;
  private spentPico = 0n;
  private reservedPico = 0n;
  private readonly open = new Map<number, bigint>();
  private nextId = 1;
  private warned = false;
  private exhausted = false;
  private readonly store: BudgetStore | undefined;

  constructor(
    options: BudgetOptions,
    private readonly events: EventSink,
  ) {
    this.limitPico = toLimit(options.limitUsd);
    this.warnRatio = options.warnRatio ?? 0.9;
    if (!(this.warnRatio > 0 && this.warnRatio <= 1)) throw new RangeError(`warnRatio must be in (0, 1], got ${this.warnRatio}`);
    this.store = options.store;
    const restored = this.store?.load();
    if (restored) {
      this.spentPico = restored.spentPico;
      this.warned = restored.warned;
      this.exhausted = restored.exhausted;
    }
  }

  /** Holds `worstCaseUsd` for a call, or refuses when it would not fit in what remains. */
  reserve(worstCaseUsd: number, traceId?: string): Reservation | BudgetExceeded {
    const amount = usdToPico(Math.max(0, worstCaseUsd));
    if (this.limitPico !== null && this.spentPico + this.reservedPico + amount > this.limitPico) {
      const refusal = this.refusal(amount);
      this.events.emit('budget', { level: 'blocked', requestedUsd: refusal.requestedUsd, message: refusal.message, ...refusal.snapshot }, traceId);
      // Only the first refusal at 100 % changes what is stored (the alert is given once).
      if (this.reached(1) && !this.exhausted) {
        this.announceExhausted();
        this.persist();
      }
      return refusal;
    }
    const id = this.nextId++;
    this.open.set(id, amount);
    this.reservedPico += amount;
    return traceId === undefined ? { id, amountUsd: picoToUsd(amount) } : { id, amountUsd: picoToUsd(amount), traceId };
  }

  /** Replaces a reservation with the metered cost of the call; a reservation already settled is ignored. */
  reconcile(reservation: Reservation, actualUsd: number): void {
    if (!this.settle(reservation)) return;
    this.spend(actualUsd);
  }

  /** Returns a reservation unused (the call was never billed). */
  release(reservation: Reservation): void {
    this.settle(reservation);
  }

  /** Adds a cost that had no reservation (e.g. reported after the fact). */
  charge(actualUsd: number): void {
    this.spend(actualUsd);
  }

  /** Sets a new limit (an approved increase); alerts re-arm below their thresholds. */
  setLimit(limitUsd: number | null): void {
    const previous = this.limitPico === null ? null : picoToUsd(this.limitPico);
    this.limitPico = toLimit(limitUsd);
    if (!this.reached(this.warnRatio)) this.warned = false;
    if (!this.reached(1)) this.exhausted = false;
    this.events.emit('budget', { level: 'limit_changed', previousLimitUsd: previous, ...this.snapshot() });
    this.checkThresholds();
    this.persist();
  }

  snapshot(): BudgetSnapshot {
    const spentUsd = picoToUsd(this.spentPico);
    const limitUsd = this.limitPico === null ? null : picoToUsd(this.limitPico);
    // A zero limit is already fully used: nothing may be spent.
    const ratio = limitUsd === null ? 0 : limitUsd === 0 ? 1 : spentUsd / limitUsd;
    return { limitUsd, spentUsd, reservedUsd: picoToUsd(this.reservedPico), ratio };
  }

  private spend(actualUsd: number): void {
    this.spentPico += usdToPico(Math.max(0, actualUsd));
    this.checkThresholds();
    this.persist();
  }

  private persist(): void {
    this.store?.save({ spentPico: this.spentPico, warned: this.warned, exhausted: this.exhausted });
  }

  private settle(reservation: Reservation): boolean {
    const amount = this.open.get(reservation.id);
    if (amount === undefined) return false;
    this.open.delete(reservation.id);
    this.reservedPico -= amount;
    return true;
  }

  private refusal(amount: bigint): BudgetExceeded {
    const snapshot = this.snapshot();
    const limit = formatUsd(snapshot.limitUsd ?? 0);
    const requestedUsd = picoToUsd(amount);
    if (this.reached(1)) {
      return { exceeded: true, requestedUsd, snapshot, message: `LLM budget exhausted: ${formatUsd(snapshot.spentUsd)} of ${limit} spent; calls stop at 100%` };
    }
    const left = (this.limitPico ?? 0n) - this.spentPico - this.reservedPico;
    const remaining = picoToUsd(left > 0n ? left : 0n);
    const inFlight = snapshot.reservedUsd > 0 ? `, ${formatUsd(snapshot.reservedUsd)} reserved by calls in flight` : '';
    return {
      exceeded: true,
      requestedUsd,
      snapshot,
      message: `LLM budget exceeded: this call could cost up to ${formatUsd(requestedUsd)} but only ${formatUsd(remaining)} of the ${limit} budget remains (${formatUsd(snapshot.spentUsd)} spent${inFlight})`,
    };
  }

  private checkThresholds(): void {
    if (this.limitPico === null) return;
    if (!this.warned && this.reached(this.warnRatio)) {
      this.warned = true;
      const snapshot = this.snapshot();
      const percent = Math.round(this.warnRatio * 100);
      this.events.emit('budget', {
        level: 'warning',
        warnRatio: this.warnRatio,
        suggestedIncreaseUsd: suggestIncrease(snapshot.limitUsd),
        message: `LLM spend reached ${percent}% of the ${formatUsd(snapshot.limitUsd ?? 0)} budget (${formatUsd(snapshot.spentUsd)} spent)`,
        ...snapshot,
      });
    }
    if (this.reached(1)) this.announceExhausted();
  }

  /** Whether spend has reached `fraction` of the limit, compared in integers (no float edge at exactly 90%). */
  private reached(fraction: number): boolean {
    if (this.limitPico === null) return false;
    return this.spentPico * 1_000_000n >= BigInt(Math.round(fraction * 1_000_000)) * this.limitPico;
  }

  private announceExhausted(): void {
    if (this.exhausted) return;
    this.exhausted = true;
    const snapshot = this.snapshot();
    this.events.emit('budget', {
      level: 'exceeded',
      suggestedIncreaseUsd: suggestIncrease(snapshot.limitUsd),
      message: `LLM budget of ${formatUsd(snapshot.limitUsd ?? 0)} reached (${formatUsd(snapshot.spentUsd)} spent): further model calls are refused`,
      ...snapshot,
    });
  }
}

/** The increase an alert proposes (seed 002 #11: "Approve $25 increase" on a $50 budget): half the limit, in cents. */
function suggestIncrease(limitUsd: number | null): number {
  return limitUsd === null ? 0 : Math.ceil(limitUsd * 50) / 100;
}

function toLimit(limitUsd: number | null): bigint | null {
  if (limitUsd === null || limitUsd === Infinity) return null;
  if (!(limitUsd >= 0) || !Number.isFinite(limitUsd)) throw new RangeError(`budget limit must be a non-negative number of USD, got ${limitUsd}`);
  return usdToPico(limitUsd);
}
