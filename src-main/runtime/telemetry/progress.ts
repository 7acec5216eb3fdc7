/**
 * Progress an agent reports about its work (seed 002 #19: `23 / 100 leads (23%)`), as `progress`
 * events on the telemetry stream. Agent code reports `{done, total, unit}` through the SDK
 * (`reportProgress` in JavaScript, `agentdock.report_progress` in Python, which the Python adapter
 * forwards as a `progress` protocol message); both land in the one channel the runtime attaches,
 * and `checkProgress` is the one rule for what is accepted:
 * - `done` and `total` are finite numbers, `total` > 0 (a percentage of nothing means nothing);
 * - `done` is clamped into [0, total] (an agent counting one past the end is a bug worth seeing,
 *   not a 104 % bar): the event then carries `clamped: true`;
 * - `unit` is a short label (default `items`), control characters removed, at most 32 characters.
 * A report that fails the check is dropped with a warning in the log: telemetry never fails the
 * agent's run.
 */

/** What a `progress` event carries. */
export interface ProgressData {
  done: number;
  total: number;
  unit: string;
  /** Present (true) when `done` was outside [0, total] and was clamped. */
  clamped?: true;
}

export type ProgressCheck = { ok: true; progress: ProgressData } | { ok: false; reason: string };

/** Largest accepted total: beyond it a float no longer counts units exactly. */
export const MAX_PROGRESS_TOTAL = Number.MAX_SAFE_INTEGER;
export const MAX_UNIT_CHARS = 32;
export const DEFAULT_UNIT = 'items';

/** Validates and clamps one report from agent code (untrusted: any value may arrive). */
export function checkProgress(raw: unknown): ProgressCheck {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { ok: false, reason: 'a progress report must be an object {done, total, unit}' };
  const { done, total, unit } = raw as Record<string, unknown>;
  if (typeof total !== 'number' || !Number.isFinite(total) || total <= 0 || total > MAX_PROGRESS_TOTAL) {
    return { ok: false, reason: `total must be a finite number above 0, got ${describe(total)}` };
  }
  if (typeof done !== 'number' || !Number.isFinite(done)) return { ok: false, reason: `done must be a finite number, got ${describe(done)}` };
  if (unit !== undefined && unit !== null && typeof unit !== 'string') return { ok: false, reason: `unit must be a string, got ${describe(unit)}` };
  const clampedDone = Math.min(total, Math.max(0, done));
  const label = cleanUnit(unit);
  return { ok: true, progress: { done: clampedDone, total, unit: label, ...(clampedDone !== done ? { clamped: true as const } : {}) } };
}

function cleanUnit(unit: string | null | undefined): string {
  // Control characters would break a log line or a terminal; the label is for people.
  // eslint-disable-next-line no-control-regex
  const text = (unit ?? '').replace(/[\u0000-\u001f\u007f-\u009f]/g, '').trim();
  return text === '' ? DEFAULT_UNIT : [...text].slice(0, MAX_UNIT_CHARS).join('');
}

function describe(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'boolean' || value === null || value === undefined) return String(value);
  return typeof value === 'string' ? JSON.stringify(value.slice(0, 20)) : typeof value;
}

/** Receives a raw report and the trace id of the run that made it (when known); true when accepted. */
export type ProgressSink = (raw: unknown, traceId?: string) => boolean;

/** Where agent code's reports go: the runtime attaches a sink; before that (or after close) reports are dropped. */
export class ProgressChannel {
  private sink: ProgressSink | undefined;

  /** Points the channel at the runtime's sink (one runtime per process). */
  attach(sink: ProgressSink): void {
    this.sink = sink;
  }

  detach(): void {
    this.sink = undefined;
  }

  /** Reports progress; false when it was rejected or no runtime is listening. Never throws. */
  report(raw: unknown, traceId?: string): boolean {
    try {
      return this.sink ? this.sink(raw, traceId) : false;
    } catch {
      return false;
    }
  }
}

const SHARED_KEY = Symbol.for('agentdock.progressChannel');

/**
 * The process-wide channel. On `globalThis` under a registered symbol, like the breaker registry:
 * the agent's copy of the SDK and the runtime's bundle are separate module instances.
 */
export function sharedProgressChannel(): ProgressChannel {
  const holder = globalThis as typeof globalThis & { [SHARED_KEY]?: ProgressChannel };
  holder[SHARED_KEY] ??= new ProgressChannel();
  return holder[SHARED_KEY];
}
