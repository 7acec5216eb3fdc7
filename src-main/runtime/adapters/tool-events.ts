/**
 * Tool calls on the telemetry stream. The adapter emits them (not the HTTP layer) because an
 * `/invoke` run has no stream for anyone else to watch. The tool's input and output never go to
 * telemetry: they may hold the user's data. Runs' `tool_*` stream events still carry them.
 */
import type { AgentStreamEvent, EventSink, RunContext, ToolDecision } from '../contracts';

/** Reports a tool_start / tool_end / tool_denied stream event as a `tool` telemetry event. */
export function emitToolTelemetry(events: EventSink, traceId: string, event: AgentStreamEvent): void {
  switch (event.type) {
    case 'tool_start':
      events.emit('tool', { phase: 'start', callId: event.callId, name: event.name }, traceId);
      break;
    case 'tool_end':
      events.emit('tool', { phase: 'end', callId: event.callId, name: event.name }, traceId);
      break;
    case 'tool_denied':
      events.emit('tool', { phase: 'denied', callId: event.callId, name: event.name, reason: event.reason }, traceId);
      break;
    default:
      break;
  }
}

/** Tool inputs reach callbacks as JSON text; the policy engine wants the value. */
export function parseToolInput(input: unknown): unknown {
  if (typeof input !== 'string') return input;
  try {
    return JSON.parse(input) as unknown;
  } catch {
    return input;
  }
}

/** Asks the policy engine about a tool call; a policy engine that throws denies (fail closed). */
export function askToolPolicy(context: RunContext, name: string, input: unknown): ToolDecision {
  try {
    return context.authorizeTool(name, input);
  } catch (error) {
    return { allow: false, reason: `the tool policy failed: ${error instanceof Error ? error.message : String(error)}` };
  }
}
