/**
 * The interfaces the runtime's modules use to talk to each other (see README.md beside this file).
 * Each folder implements one side; the composition root (`runtime.ts`) wires them. Keeping these
 * here lets auth, policy, the LLM proxy, the adapters and telemetry be built and tested alone.
 */

// ---------------------------------------------------------------------------------------------
// Telemetry

/** Event types on the runtime's `/events` stream (the console subscribes to it). */
export type TelemetryEventType =
  | 'run_start'
  | 'run_end'
  | 'token'
  | 'tool'
  | 'policy'
  | 'llm_call'
  | 'budget'
  | 'breaker'
  | 'auth'
  | 'adapter'
  | 'config'
  | 'log'
  /** Agent-reported progress `{done, total, unit}` (telemetry/progress.ts), e.g. 23 / 100 leads. */
  | 'progress';

export interface TelemetryEvent {
  /** Monotonic per runtime process; the SSE `id:` and what `Last-Event-ID` resumes from. */
  id: number;
  type: TelemetryEventType;
  /** ISO-8601 time. */
  time: string;
  agent: string;
  version: string;
  traceId?: string;
  data: Record<string, unknown>;
}

/** Where modules report what happened. Never throws; telemetry failure never affects a response. */
export interface EventSink {
  emit(type: TelemetryEventType, data: Record<string, unknown>, traceId?: string): void;
}

/** Prometheus-style metrics; label values are strings. */
export interface Metrics {
  increment(name: string, labels?: Record<string, string>, by?: number): void;
  observe(name: string, value: number, labels?: Record<string, string>): void;
  set(name: string, value: number, labels?: Record<string, string>): void;
}

/** JSON-lines logger; every line carries the trace id when there is one. Secrets never reach it. */
export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  /** A logger whose every line carries `traceId` (and the other fields). */
  child?(fields: { traceId?: string } & Record<string, unknown>): Logger;
}

// ---------------------------------------------------------------------------------------------
// Auth

export type Permission = 'deploy' | 'rollback' | 'invoke' | 'view_metrics' | 'key_manage' | 'read_logs' | 'read_docs' | 'read_only' | (string & {});

/** Who is calling, once authenticated. */
export interface Principal {
  /** `control`: the AgentDock control plane itself (telemetry ingest), see auth/authenticator.ts. */
  kind: 'jwt' | 'api_key' | 'control';
  /** JWT `sub`, the API key id, or `agentdock-control-plane`. */
  subject: string;
  role: string;
  permissions: ReadonlySet<Permission>;
}

// ---------------------------------------------------------------------------------------------
// Policy

export type PolicyStage = 'pre_invoke' | 'in_invoke' | 'post_invoke' | 'llm_output';
export type PolicyAction = 'redacted' | 'blocked' | 'warned' | 'truncated' | 'denied';

/** One policy action, as emitted on the event stream (never the matched value). */
export interface PolicyEventData {
  stage: PolicyStage;
  rule: string;
  action: PolicyAction;
  count: number;
  durationMs: number;
}

/** A PII audit record: type, severity, and a keyed hash of the value — never the value. */
export interface PiiAuditRecord {
  traceId: string;
  stage: PolicyStage;
  piiType: string;
  severity: 'low' | 'medium' | 'high' | 'critical';
  /** HMAC-SHA-256 of the value under the bundle's audit key, hex. */
  valueHash: string;
  /** JSON path of the field in the input or output. */
  field: string;
}

export type ToolDecision = { allow: true } | { allow: false; reason: string };

// ---------------------------------------------------------------------------------------------
// Agent adapters

/** What an agent run can see of the runtime. */
export interface RunContext {
  traceId: string;
  /** Aborted when the client goes away or the request times out. */
  signal: AbortSignal;
  /** Asked before every tool call executes; a denial makes the adapter raise inside the agent. */
  authorizeTool(name: string, input: unknown): ToolDecision;
  /** Dockfile `arguments`, merged into the adapter config. */
  arguments: Readonly<Record<string, unknown>>;
}

/** Events an agent run streams. */
export type AgentStreamEvent =
  | { type: 'token'; text: string }
  | { type: 'tool_start'; callId: string; name: string; input: unknown }
  | { type: 'tool_end'; callId: string; name: string; output: unknown }
  | { type: 'tool_denied'; callId: string; name: string; reason: string }
  | { type: 'end'; output: unknown };

/** JSON Schemas of the agent's input and output. */
export interface IoSchemas {
  input: Record<string, unknown>;
  output: Record<string, unknown>;
}

/** Runs the user's agent; one per replica. */
export interface AgentAdapter {
  /** The agent's language, for `/health` and telemetry. */
  readonly language: 'python' | 'javascript' | 'typescript';
  /** Resolves when the agent is loaded and can take requests (drives `/ready`). */
  ready(): Promise<void>;
  invoke(input: unknown, context: RunContext): Promise<unknown>;
  stream(input: unknown, context: RunContext): AsyncIterable<AgentStreamEvent>;
  /** Stops the agent (subprocess, open handles); in-flight runs fail with AdapterStopped. */
  close(): Promise<void>;
  /** Schemas the agent itself reports (Pydantic I/O classes), once ready; undefined when it has none. */
  describeSchemas?(): IoSchemas | undefined;
}

/** Thrown by adapters: the agent itself failed (its exception), or the adapter did. */
export class AgentRunError extends Error {
  constructor(
    message: string,
    readonly code: 'AgentError' | 'ToolDenied' | 'AdapterCrashed' | 'AdapterStopped' | 'Timeout' | 'Cancelled',
    readonly detail?: unknown,
  ) {
    super(message);
    this.name = 'AgentRunError';
  }
}

// ---------------------------------------------------------------------------------------------
// LLM proxy and budget

/** Token usage of one model call, from the provider's own counts. */
export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
}

/** One priced model call, as emitted (`llm_call`) and added to metrics. */
export interface LlmCallRecord {
  traceId?: string;
  provider: 'openai' | 'anthropic';
  model: string;
  usage: TokenUsage;
  costUsd: number;
  latencyMs: number;
  stream: boolean;
  /** True when the call went to the simulated provider. */
  simulated: boolean;
  status: 'ok' | 'error' | 'aborted';
}

/** Header the agent's LLM calls carry so the proxy can attribute cost to a run. */
export const TRACE_HEADER = 'x-agentdock-trace-id';
