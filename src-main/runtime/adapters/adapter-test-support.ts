/** Test helpers shared by the adapter tests: a recording event sink and logger, and run contexts. */
import { randomUUID } from 'node:crypto';
import type { AgentStreamEvent, EventSink, Logger, RunContext, TelemetryEventType, ToolDecision } from '../contracts';

export interface RecordedEvent {
  type: TelemetryEventType;
  data: Record<string, unknown>;
  traceId?: string;
}

/** An EventSink that keeps what it is given. */
export function recordingSink(): EventSink & { events: RecordedEvent[] } {
  const events: RecordedEvent[] = [];
  return {
    events,
    emit(type, data, traceId) {
      events.push({ type, data, ...(traceId !== undefined ? { traceId } : {}) });
    },
  };
}

/** A Logger that keeps its lines. */
export function recordingLogger(): Logger & { lines: { level: string; message: string; fields?: Record<string, unknown> }[] } {
  const lines: { level: string; message: string; fields?: Record<string, unknown> }[] = [];
  const at =
    (level: string) =>
    (message: string, fields?: Record<string, unknown>): void => {
      lines.push({ level, message, ...(fields ? { fields } : {}) });
    };
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/** A RunContext whose tool decisions come from `decide` (default: allow) and are recorded. */
export function runContext(
  options: { decide?: (name: string, input: unknown) => ToolDecision; signal?: AbortSignal; arguments?: Record<string, unknown>; traceId?: string } = {},
): RunContext & { asked: { name: string; input: unknown }[] } {
  const asked: { name: string; input: unknown }[] = [];
  return {
    asked,
    traceId: options.traceId ?? `trace-${randomUUID()}`,
    signal: options.signal ?? new AbortController().signal,
    arguments: options.arguments ?? {},
    authorizeTool(name, input) {
      asked.push({ name, input });
      return options.decide ? options.decide(name, input) : { allow: true };
    },
  };
}

/** Drains a stream, returning its events and the error that ended it, if any. */
export async function collect(stream: AsyncIterable<AgentStreamEvent>): Promise<{ events: AgentStreamEvent[]; error?: unknown }> {
  const events: AgentStreamEvent[] = [];
  try {
    for await (const event of stream) events.push(event);
    return { events };
  } catch (error) {
    return { events, error };
  }
}

/** The concatenated text of a stream's token events. */
export function tokenText(events: AgentStreamEvent[]): string {
  return events.map((event) => (event.type === 'token' ? event.text : '')).join('');
}
