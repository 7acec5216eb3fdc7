/**
 * What the HTTP layer needs from the rest of the runtime. The composition root (`runtime.ts`)
 * adapts auth/, policy/, adapters/, llm/ and telemetry/ to these ports, so the server can be
 * tested with the real modules or with a real module swapped for another real one.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DockSpec } from '../../../src-shared/dockfile/types';
import type { AgentAdapter, EventSink, Logger, Metrics, Permission, Principal, TelemetryEvent, ToolDecision } from '../contracts';
import type { RuntimeErrorName } from './errors';
import type { IoValidator } from './io-schema';

export type Refusal = { ok: false; error: RuntimeErrorName; message: string; headers?: Record<string, string> };

export interface AuthGate {
  /** Given `req.headersDistinct`, so duplicated credential headers are visible. */
  authenticate(headers: Readonly<Record<string, string | readonly string[] | undefined>>): { ok: true; principal: Principal } | Refusal;
  authorize(principal: Principal, permission: Permission): { ok: true } | Refusal;
  /** `headers` (remaining allowance) go on the response. */
  rateLimit(principal: Principal): { ok: true; headers?: Record<string, string> } | Refusal;
}

export interface PolicyGate {
  preInvoke(input: unknown, traceId: string): { ok: true; input: unknown } | Refusal;
  postInvoke(output: unknown, traceId: string): { ok: true; output: unknown } | Refusal;
  authorizeTool(name: string, traceId: string): ToolDecision;
}

/** Totals of the LLM calls a run made (the LLM proxy attributes each call by trace id). */
export interface RunTotals {
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  llmCalls: number;
}

export interface RunLedger {
  totalsFor(traceId: string): RunTotals;
}

export interface EventStream extends EventSink {
  subscribe(listener: (event: TelemetryEvent) => void): () => void;
}

export interface RuntimeServices {
  spec: DockSpec;
  agentVersion: string;
  auth: AuthGate;
  policy: PolicyGate;
  adapter: AgentAdapter;
  io: IoValidator;
  events: EventStream;
  /** Serves the admin `/events` SSE stream (resumable with Last-Event-ID). */
  serveEvents(req: IncomingMessage, res: ServerResponse): void;
  metrics: Metrics & { render(): string };
  ledger: RunLedger;
  logger: Logger;
  limits: { maxBodyBytes: number; requestTimeoutMs: number };
  /** True once the agent is loaded and the runtime takes requests. */
  isReady(): boolean;
  /** Why the agent could not be loaded, once that is final (it will not become ready). */
  loadFailure(): string | undefined;
  clock(): number;
}
