/**
 * Per-service breakers: one `CircuitBreaker` per external service, shared by every run in the
 * replica, so five failures against LinkedIn in five different requests still open its circuit.
 * The runtime `attach`es its event bus and metrics once; breakers agent code creates before or
 * after that report there.
 */
import { CircuitBreaker } from './circuit-breaker';
import type { BreakerStats, BreakerTelemetry, CircuitBreakerOptions } from './circuit-breaker';

export type BreakerSettings = Omit<CircuitBreakerOptions, 'service' | 'events' | 'metrics'>;

/** Breakers by service name, with shared defaults and shared telemetry. */
export class BreakerRegistry {
  private readonly breakers = new Map<string, CircuitBreaker>();
  private telemetry: BreakerTelemetry = {};

  constructor(private readonly defaults: BreakerSettings = {}) {}

  /** The breaker for `service`, created on first use; `settings` apply only to that creation. */
  get(service: string, settings: BreakerSettings = {}): CircuitBreaker {
    let breaker = this.breakers.get(service);
    if (!breaker) {
      breaker = new CircuitBreaker({ ...this.defaults, ...settings, ...this.telemetry, service });
      this.breakers.set(service, breaker);
    }
    return breaker;
  }

  /** Sends every breaker's events and metrics to `telemetry` (now and for later ones). */
  attach(telemetry: BreakerTelemetry): void {
    this.telemetry = { ...telemetry };
    for (const breaker of this.breakers.values()) breaker.bind(this.telemetry);
  }

  /** Stops reporting (the runtime is shutting down). */
  detach(): void {
    this.attach({});
  }

  /** Every breaker, in creation order. */
  all(): CircuitBreaker[] {
    return [...this.breakers.values()];
  }

  /** Stats of every breaker, for the dashboard and `/health`. */
  stats(): BreakerStats[] {
    return this.all().map((breaker) => breaker.stats());
  }

  /** Forgets every breaker. */
  clear(): void {
    this.breakers.clear();
  }
}

const SHARED_KEY = Symbol.for('agentdock.breakerRegistry');

/**
 * The process-wide registry. Kept on `globalThis` under a registered symbol because the agent's
 * copy of the SDK and the runtime's bundle are separate module instances that must share it.
 */
export function sharedBreakerRegistry(): BreakerRegistry {
  const holder = globalThis as typeof globalThis & { [SHARED_KEY]?: BreakerRegistry };
  holder[SHARED_KEY] ??= new BreakerRegistry();
  return holder[SHARED_KEY];
}
