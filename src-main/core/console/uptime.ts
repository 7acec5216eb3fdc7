/**
 * Uptime of an agent over its period (since its active deployment went live), from the health
 * transitions monitoring records as `health` notifications (monitoring.ts): healthy and degraded
 * count as up; unhealthy, stopped and suspended as down. A deployment passed its health gate when
 * it went live, so the period starts up. Without monitoring (no transitions) nothing is known to
 * have gone down, so the answer is 100 %.
 */

/** A health transition: when, and to what. */
export interface HealthChange {
  at: string;
  to: string;
}

const DOWN = new Set(['unhealthy', 'stopped', 'suspended']);

/** Percentage (0–100) of [since, now] spent up; null without a period. */
export function uptimePercent(changes: readonly HealthChange[], since: string | null, nowMs: number): number | null {
  if (since === null) return null;
  const start = Date.parse(since);
  if (Number.isNaN(start) || nowMs <= start) return 100;
  let up = true;
  let from = start;
  let downMs = 0;
  const ordered = changes
    .map((change) => ({ at: Date.parse(change.at), down: DOWN.has(change.to) }))
    .filter((change) => !Number.isNaN(change.at) && change.at > start && change.at <= nowMs)
    .sort((a, b) => a.at - b.at);
  for (const change of ordered) {
    if (!up) downMs += change.at - from;
    up = !change.down;
    from = change.at;
  }
  if (!up) downMs += nowMs - from;
  return (100 * (nowMs - start - downMs)) / (nowMs - start);
}
