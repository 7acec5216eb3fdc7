/**
 * JSON-lines logger: one object per line on stdout (what `docker logs`, kubectl and log shippers
 * read), `{"time","level","msg","agent","version","traceId",…fields}`. Every line goes through
 * the redaction pass first (`redact.ts`); warnings and errors are also emitted as `log` events so
 * the console's log tail works without shipping the container logs. Logging never throws.
 */
import type { EventSink, Logger } from '../contracts';
import { redactFields, redactString } from './redact';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

const LEVEL_RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };
/** Keys the logger owns; a field with one of these names is renamed, never allowed to forge them. */
const RESERVED = new Set(['time', 'level', 'msg', 'agent', 'version', 'traceId']);

/** Where lines go: a Writable, or anything with `write`. */
export interface LogStream {
  write(chunk: string): unknown;
}

export interface JsonLoggerOptions {
  agent: string;
  version: string;
  /** Lowest level written (`observability.log_level`); default info. */
  level?: LogLevel;
  /** Default process.stdout. */
  stream?: LogStream;
  /** Receives `log` events for warn and error lines. */
  events?: EventSink;
  /** Milliseconds since the epoch. */
  clock?: () => number;
  /** Longest string value kept, in characters. */
  maxValueChars?: number;
}

/** Parses `observability.log_level`; anything unknown means info. */
export function parseLogLevel(value: unknown): LogLevel {
  return typeof value === 'string' && value in LEVEL_RANK ? (value as LogLevel) : 'info';
}

interface LoggerCore {
  agent: string;
  version: string;
  level: LogLevel;
  stream: LogStream;
  events: EventSink | undefined;
  clock: () => number;
  maxValueChars: number;
}

/** The runtime's logger; `child` binds a trace id (and other fields) to every line. */
export class JsonLogger implements Logger {
  private core: LoggerCore;
  private bound: Record<string, unknown> = {};
  private traceId: string | undefined;

  constructor(options: JsonLoggerOptions) {
    this.core = {
      agent: options.agent,
      version: options.version,
      level: parseLogLevel(options.level),
      stream: options.stream ?? process.stdout,
      events: options.events,
      clock: options.clock ?? Date.now,
      maxValueChars: options.maxValueChars ?? 2_048,
    };
    // A reader that goes away (a closed pipe: EPIPE) would otherwise crash the runtime through an
    // unhandled 'error' event; the agent keeps serving and logs are simply lost.
    const emitter = this.core.stream as { on?: (event: string, listener: (error: Error) => void) => unknown; listenerCount?: (event: string) => number };
    if (typeof emitter.on === 'function' && (emitter.listenerCount?.('error') ?? 0) === 0) emitter.on('error', () => undefined);
  }

  /** The current level; shared by every child, so a reload changes them all. */
  get level(): LogLevel {
    return this.core.level;
  }

  set level(level: LogLevel) {
    this.core.level = parseLogLevel(level);
  }

  /** A logger whose lines all carry `traceId` (and any other bound fields). */
  child(bindings: { traceId?: string } & Record<string, unknown>): JsonLogger {
    const { traceId, ...fields } = bindings;
    // Children share the core (stream, level, sink) so a level reload reaches every one of them.
    const child = Object.create(JsonLogger.prototype) as JsonLogger;
    child.core = this.core;
    child.bound = { ...this.bound, ...fields };
    child.traceId = traceId ?? this.traceId;
    return child;
  }

  debug(message: string, fields?: Record<string, unknown>): void {
    this.write('debug', message, fields);
  }

  info(message: string, fields?: Record<string, unknown>): void {
    this.write('info', message, fields);
  }

  warn(message: string, fields?: Record<string, unknown>): void {
    this.write('warn', message, fields);
  }

  error(message: string, fields?: Record<string, unknown>): void {
    this.write('error', message, fields);
  }

  private write(level: LogLevel, message: string, fields: Record<string, unknown> | undefined): void {
    const core = this.core;
    if (LEVEL_RANK[level] < LEVEL_RANK[core.level]) return;
    try {
      const msg = redactString(String(message), core.maxValueChars);
      const safe = redactFields({ ...this.bound, ...fields }, { maxValueChars: core.maxValueChars });
      const line: Record<string, unknown> = { time: new Date(core.clock()).toISOString(), level, msg, agent: core.agent, version: core.version };
      if (this.traceId !== undefined) line.traceId = this.traceId;
      for (const [key, value] of Object.entries(safe)) line[RESERVED.has(key) ? `field_${key}` : key] = value;
      core.stream.write(`${JSON.stringify(line)}\n`);
      if (core.events && (level === 'warn' || level === 'error')) {
        core.events.emit('log', { level, msg, ...Object.fromEntries(Object.entries(safe).filter(([key]) => !RESERVED.has(key) && key !== 'level')) }, this.traceId);
      }
    } catch {
      // A closed stream or an exotic value must never turn a log call into a failed request.
    }
  }
}
