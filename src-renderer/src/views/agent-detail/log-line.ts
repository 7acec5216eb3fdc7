/**
 * Log lines as the Logs tab shows them: the level read from the runtime's JSON lines
 * (src-main/runtime/telemetry/logger.ts: `{"time","level","msg",…}`), from a leading level word in
 * plain text (Python's `WARNING:root:…`, `[ERROR] …`), else from the stream (stderr → warn); the
 * filter by least level and search; and the bounded buffer the view keeps. Pure.
 */
import type { LogTailLine } from '../../../../src-shared/ipc/console-types';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];

const RANK: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

/** Lines the view keeps; older ones are dropped first. */
export const LOG_BUFFER_LINES = 5000;

export interface ParsedLogLine {
  /** Unique within the view (arrival order). */
  id: number;
  /** From the line itself when it carries one, else when the target read it. */
  time: string;
  level: LogLevel;
  /** `msg` of a JSON line, else the text. */
  message: string;
  /** The other fields of a JSON line, as `key=value` (trace id first). */
  fields: string;
  raw: string;
  replica: string;
  stream: 'stdout' | 'stderr';
  version: string;
}

/** A level name or pino-style number as one of the four levels, or undefined. */
export function levelOf(value: unknown): LogLevel | undefined {
  if (typeof value === 'number') return value >= 50 ? 'error' : value >= 40 ? 'warn' : value >= 30 ? 'info' : 'debug';
  if (typeof value !== 'string') return undefined;
  switch (value.toLowerCase()) {
    case 'trace':
    case 'debug':
      return 'debug';
    case 'info':
    case 'notice':
      return 'info';
    case 'warn':
    case 'warning':
      return 'warn';
    case 'error':
    case 'err':
    case 'fatal':
    case 'critical':
    case 'crit':
      return 'error';
    default:
      return undefined;
  }
}

const LEADING_LEVEL = /^\s*\[?\s*(trace|debug|info|notice|warn|warning|error|err|fatal|critical|crit)\b\s*\]?\s*[:-]?/i;

/** Parses one line; `id` makes it unique in the view. */
export function parseLogLine(line: LogTailLine, id: number): ParsedLogLine {
  const base = { id, raw: line.line, replica: line.replica, stream: line.stream, version: line.version };
  const text = line.line.trim();
  if (text.startsWith('{') && text.endsWith('}')) {
    try {
      const parsed = JSON.parse(text) as unknown;
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
        const record = parsed as Record<string, unknown>;
        const message = typeof record.msg === 'string' ? record.msg : typeof record.message === 'string' ? record.message : text;
        const time = typeof record.time === 'string' && !Number.isNaN(Date.parse(record.time)) ? record.time : line.time;
        return { ...base, time, level: levelOf(record.level) ?? defaultLevel(line), message, fields: fieldsOf(record) };
      }
    } catch {
      // Not JSON after all: read as text below.
    }
  }
  const leading = LEADING_LEVEL.exec(line.line);
  const level = leading ? levelOf(leading[1]) : undefined;
  return { ...base, time: line.time, level: level ?? defaultLevel(line), message: line.line, fields: '' };
}

function defaultLevel(line: Pick<LogTailLine, 'stream'>): LogLevel {
  return line.stream === 'stderr' ? 'warn' : 'info';
}

const SHOWN_ELSEWHERE = new Set(['time', 'level', 'msg', 'message', 'agent', 'version']);

function fieldsOf(record: Record<string, unknown>): string {
  const entries = Object.entries(record).filter(([key]) => !SHOWN_ELSEWHERE.has(key));
  entries.sort(([a], [b]) => (a === 'traceId' ? -1 : b === 'traceId' ? 1 : 0));
  return entries.map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`).join(' ');
}

export interface LogFilter {
  /** Lines at this level or above. */
  minLevel: LogLevel;
  /** Case-insensitive text anywhere in the raw line; empty for all. */
  search: string;
}

/** Whether the line passes the filter. */
export function matchesFilter(line: ParsedLogLine, filter: LogFilter): boolean {
  if (RANK[line.level] < RANK[filter.minLevel]) return false;
  const needle = filter.search.trim().toLowerCase();
  return needle === '' || line.raw.toLowerCase().includes(needle);
}

/** `current` with `added` appended, keeping the newest `limit`. */
export function appendBounded<T>(current: readonly T[], added: readonly T[], limit = LOG_BUFFER_LINES): T[] {
  if (added.length >= limit) return added.slice(added.length - limit);
  const keep = Math.max(0, current.length + added.length - limit);
  return [...current.slice(keep), ...added];
}
