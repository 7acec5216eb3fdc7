/** Number, time and money formats for dense tables. Pure, so the tests pin them. */

/** `3d 4h`, `2h 5m`, `4m 10s`, `12s` since `since` (ISO) at `nowMs`; `—` when not active. */
export function formatUptime(since: string | null, nowMs: number): string {
  if (!since) return '—';
  const start = Date.parse(since);
  if (Number.isNaN(start)) return '—';
  const seconds = Math.max(0, Math.floor((nowMs - start) / 1000));
  const days = Math.floor(seconds / 86_400);
  const hours = Math.floor((seconds % 86_400) / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  if (days > 0) return `${days}d ${hours}h`;
  if (hours > 0) return `${hours}h ${minutes}m`;
  if (minutes > 0) return `${minutes}m ${seconds % 60}s`;
  return `${seconds}s`;
}

/** `850 ms`, `1.24 s`; `—` for null. */
export function formatMs(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return '—';
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`;
}

/** `$0.0042`, `$12.30`. Small amounts keep four decimals: LLM calls cost fractions of a cent. */
export function formatUsd(usd: number): string {
  return usd !== 0 && Math.abs(usd) < 1 ? `$${usd.toFixed(4)}` : `$${usd.toFixed(2)}`;
}

/** `42%`; `—` for null. */
export function formatPercent(value: number | null): string {
  return value === null || !Number.isFinite(value) ? '—' : `${Math.round(value)}%`;
}

/** `[HH:MM:SS]` in local time, as the event log shows it (shared with the CLI's demo lines). */
export { formatClock } from '../../../src-shared/util/format-clock';

/** `2025-03-01 14:02` in local time. */
export function formatDateTime(iso: string | null): string {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const pad = (value: number): string => String(value).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}`;
}
