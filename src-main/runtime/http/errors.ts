/**
 * The runtime's one error envelope, for every endpoint (seed 004 §5.3.9):
 * `{ "error": "<Name>", "code": <HTTP status>, "detail": "<one line for a person>" }`.
 * `error` is the stable machine-readable name; `detail` says what was wrong and what to do.
 */
import type { ServerResponse } from 'node:http';

/** Every error name the runtime answers with, and its HTTP status. */
export const RUNTIME_ERRORS = {
  BadRequest: 400,
  InvalidJson: 400,
  Unauthorized: 401,
  Forbidden: 403,
  PolicyViolation: 403,
  PromptInjection: 403,
  ToolDenied: 403,
  NotFound: 404,
  MethodNotAllowed: 405,
  RequestTimeout: 408,
  PayloadTooLarge: 413,
  OutputTooLarge: 413,
  UnsupportedMediaType: 415,
  ValidationError: 422,
  RateLimited: 429,
  BudgetExceeded: 429,
  TokenExpired: 498,
  KeyRevoked: 499,
  InternalError: 500,
  SchemaMismatch: 500,
  AgentError: 502,
  NotReady: 503,
  AgentLoadFailed: 503,
  AdapterCrashed: 503,
  Timeout: 504,
} as const;

export type RuntimeErrorName = keyof typeof RUNTIME_ERRORS;

/** An error that becomes an envelope; anything else thrown becomes a 500 InternalError without its message. */
export class RuntimeHttpError extends Error {
  readonly status: number;
  constructor(
    readonly errorName: RuntimeErrorName,
    readonly detail: string,
    readonly extra?: { headers?: Record<string, string>; fields?: Record<string, unknown> },
  ) {
    super(detail);
    this.name = 'RuntimeHttpError';
    this.status = RUNTIME_ERRORS[errorName];
  }
}

/** The envelope body for an error. */
export function errorEnvelope(error: RuntimeHttpError): Record<string, unknown> {
  return { error: error.errorName, code: error.status, detail: error.detail, ...error.extra?.fields };
}

/** What a client reads back from a body that may be an envelope: its fields that have the right type, or undefined when the body is not JSON. */
export function parseErrorEnvelope(body: string): { error?: string; code?: number; detail?: string } | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (parsed === null || typeof parsed !== 'object') return undefined;
  const { error, code, detail } = parsed as Record<string, unknown>;
  return { ...(typeof error === 'string' ? { error } : {}), ...(typeof code === 'number' && Number.isFinite(code) ? { code } : {}), ...(typeof detail === 'string' ? { detail } : {}) };
}

/** Writes a JSON response (never cached: agent answers are per request). */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** Writes an error envelope. */
export function sendError(res: ServerResponse, error: RuntimeHttpError): void {
  sendJson(res, error.status, errorEnvelope(error), error.extra?.headers);
}
