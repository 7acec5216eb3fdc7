/**
 * A runtime's `budget` events as readings of its budget gauges. Every one (warning, exceeded,
 * blocked, limit_changed) carries the replica's spend and limit at that moment, while `/metrics`
 * is scraped only every 15 s: without this, the alert run that a budget warning triggers would
 * read the previous scrape (say 80 %) and stay quiet, and a scheduled run could even "resolve" an
 * alert the event path had just fired. Seed 002 #24: "Alert appears within 1 second of event".
 *
 * Decisions:
 * - Newest wins, compared on the control plane's own clock (never the runtime's, which may be
 *   skewed): an event received after a scrape began stands in for that scrape's budget gauges; a
 *   scrape begun after the event is at least as new (the runtime updates its gauges in the same
 *   synchronous step that emits the event) and wins.
 * - Spend never goes down within one process (the source names the process), so a reading keeps
 *   the higher of the two spends: an event replayed after a reconnect cannot lower it. The limit
 *   is the event's: the runtime emits `limit_changed` on every change, so its last budget event
 *   carries its current limit.
 */
import type { IngestEvent } from '../store/telemetry-repository';
import type { ReplicaScrape } from './metrics-scraper';

/** One replica's budget as its last `budget` event reported it. */
export interface BudgetEventReading {
  agentId: string;
  spentUsd: number;
  /** USD; null when the replica runs without a limit. */
  limitUsd: number | null;
  /** ISO time the control plane received the event. */
  receivedAt: string;
}

/** What the budget of an agent is computed from, per replica (a scrape, or a scrape brought up to date). */
export type BudgetGauges = Pick<ReplicaScrape, 'agentId' | 'ok' | 'budgetSpentUsd' | 'budgetLimitUsd'>;

/** The reading a `budget` event carries, or undefined for any other event (or one without numbers). */
export function budgetEventReading(event: IngestEvent, receivedAt: string): BudgetEventReading | undefined {
  const { spentUsd, limitUsd } = event.data;
  if (event.type !== 'budget' || typeof spentUsd !== 'number' || !Number.isFinite(spentUsd)) return undefined;
  return { agentId: event.agentId, spentUsd, limitUsd: typeof limitUsd === 'number' && Number.isFinite(limitUsd) ? limitUsd : null, receivedAt };
}

/** A replica's current budget gauges: its scrape, or its budget event where that is newer. */
export function currentBudgetGauges(scrape: ReplicaScrape | undefined, reading: BudgetEventReading | undefined): BudgetGauges | undefined {
  if (!reading || (scrape?.ok && scrape.at > reading.receivedAt)) return scrape;
  const scrapedSpend = scrape?.ok ? (scrape.budgetSpentUsd ?? 0) : 0;
  return { agentId: reading.agentId, ok: true, budgetSpentUsd: Math.max(scrapedSpend, reading.spentUsd), ...(reading.limitUsd !== null ? { budgetLimitUsd: reading.limitUsd } : {}) };
}
