/**
 * The control panel's formats, as seed 002 #19–22 writes them: `● Running`,
 * `23 / 100 leads (23%)`, `100% (23/23)`, `$5.29 / $50.00`, `10.6% used`, `$0.23 avg/lead`,
 * `212 leads/hour`, `P95: 2.1s`. Money goes through the one dollar format of the price table
 * (src-shared/pricing/format-usd.ts): cents from a dollar up, enough digits below. Pure, so the
 * tests pin them.
 *
 * The seed's status icons (🟢 ✅ ⚠️ 🔴) are drawn with glyphs every system font has (● ✔ ⚠ ✖),
 * coloured by the theme: many Linux machines have no colour-emoji font, where an emoji is a box.
 */
import type { AgentHealth, BudgetStatus } from '../../../src-shared/ipc/console-types';
import { formatUsd as formatDollars } from '../../../src-shared/pricing/format-usd';

export { formatDollars };

/** `1,234`, `2.5`: whole numbers grouped, fractions to one decimal. */
export function formatCount(value: number): string {
  if (!Number.isFinite(value)) return '—';
  return Number.isInteger(value) ? value.toLocaleString('en-US') : value.toLocaleString('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 });
}

/** `23 / 100 leads (23%)`; the percentage rounds down so 99.6 % is not shown as done. */
export function formatProgress(done: number, total: number, unit: string): string {
  const percent = total > 0 ? Math.floor((Math.min(done, total) / total) * 100) : 0;
  return `${formatCount(done)} / ${formatCount(total)} ${unit} (${percent}%)`;
}

/** `100% (23/23)`, `96% (24/25)`; `—` before the first run. */
export function formatSuccessRate(ok: number, total: number): string {
  if (total <= 0) return '—';
  return `${Math.round((ok / total) * 100)}% (${ok}/${total})`;
}

/** `$5.29 / $50.00`, or `$5.29 (no limit)`. */
export function formatSpendOfLimit(spentUsd: number, limitUsd: number | null): string {
  return limitUsd === null ? `${formatDollars(spentUsd)} (no limit)` : `${formatDollars(spentUsd)} / ${formatDollars(limitUsd)}`;
}

/** `10.6% used`; `—` without a limit. A zero limit is fully used. */
export function formatPercentUsed(spentUsd: number, limitUsd: number | null): string {
  if (limitUsd === null) return '—';
  const percent = limitUsd > 0 ? (spentUsd / limitUsd) * 100 : 100;
  return `${percent.toFixed(1)}% used`;
}

/** `lead` for `leads`, `run` for `runs`: a unit label in the singular (`avg/lead`). */
export function singularUnit(unit: string): string {
  if (unit.length > 3 && unit.endsWith('ies')) return `${unit.slice(0, -3)}y`;
  if (unit.length > 2 && unit.endsWith('s') && !unit.endsWith('ss')) return unit.slice(0, -1);
  return unit;
}

/** `$0.23 avg/lead`. */
export function formatPerUnit(usd: number, unit: string): string {
  return `${formatDollars(usd)} avg/${singularUnit(unit)}`;
}

/** `212 leads/hour`, `3.5 runs/hour`. */
export function formatPerHour(perHour: number, unit: string): string {
  const value = perHour >= 10 ? Math.round(perHour).toLocaleString('en-US') : perHour.toFixed(1).replace(/\.0$/, '');
  return `${value} ${unit}/hour`;
}

/** `P95: 2.1s`, `P50: 850ms`, `P99: —`. */
export function formatPercentile(label: 'P50' | 'P95' | 'P99', ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return `${label}: —`;
  return ms < 1000 ? `${label}: ${Math.round(ms)}ms` : `${label}: ${(ms / 1000).toFixed(1)}s`;
}

/** `34%` of input tokens served from the provider's prompt cache; `—` before any model call. */
export function formatCacheHitRate(cachedTokens: number, inputTokens: number): string {
  return inputTokens > 0 ? `${Math.round((cachedTokens / inputTokens) * 100)}%` : '—';
}

/** `99.9%`, `100%`; `—` when unknown. */
export function formatUptimePercent(percent: number | null): string {
  if (percent === null || !Number.isFinite(percent)) return '—';
  return percent >= 99.95 ? '100%' : `${(Math.floor(percent * 10) / 10).toFixed(1)}%`;
}

const STATUS: Record<AgentHealth, { icon: string; text: string }> = {
  healthy: { icon: '●', text: 'Running' },
  degraded: { icon: '●', text: 'Degraded' },
  unhealthy: { icon: '●', text: 'Unhealthy' },
  stopped: { icon: '○', text: 'Stopped' },
  suspended: { icon: '○', text: 'Suspended' },
  unknown: { icon: '○', text: 'Unknown' },
};

/** `● Running` (green) and its parts (the icon is decoration: screen readers get the text). */
export function statusLabel(health: AgentHealth): { icon: string; text: string; label: string } {
  const status = STATUS[health];
  return { ...status, label: `${status.icon} ${status.text}` };
}

const BUDGET: Record<BudgetStatus, { icon: string; text: string }> = {
  on_track: { icon: '✔', text: 'Under budget' },
  at_risk: { icon: '⚠', text: 'Approaching limit' },
  over: { icon: '✖', text: 'Limit reached' },
  no_limit: { icon: '', text: 'No limit' },
};

/** `✔ Under budget`, `⚠ Approaching limit`, `✖ Limit reached`. */
export function budgetStatusLabel(status: BudgetStatus): { icon: string; text: string } {
  return BUDGET[status];
}

/** ✔ none seen (ok), ⚠ some, each stopped (warn), ✖ ten or more in the period (bad): worth a look at who sends them. */
export function protectionLevel(count: number): { icon: '✔' | '⚠' | '✖'; tone: 'ok' | 'warn' | 'bad' } {
  return count <= 0 ? { icon: '✔', tone: 'ok' } : count < 10 ? { icon: '⚠', tone: 'warn' } : { icon: '✖', tone: 'bad' };
}
