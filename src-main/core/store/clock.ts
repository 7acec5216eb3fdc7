/** Milliseconds since the Unix epoch; injected so tests can move time without sleeping. */
export type Clock = () => number;

/** The wall clock. */
export const systemClock: Clock = () => Date.now();

/**
 * ISO-8601 UTC with milliseconds (`2025-01-17T10:34:52.123Z`): the one timestamp format in the
 * database. Fixed width, so text comparison is time comparison (retention and range queries rely
 * on it), and it is what SQLite's `strftime('%Y-%m-%dT%H:%M:%fZ', 'now')` produces.
 */
export function toIso(ms: number): string {
  return new Date(ms).toISOString();
}

/** `days` before `ms`, as an ISO timestamp. */
export function daysBefore(ms: number, days: number): string {
  return toIso(ms - days * 86_400_000);
}
