/**
 * The one result envelope of the console contract (ARCHITECTURE.md §3): every request answers
 * `{ ok: true, value }` or `{ ok: false, error }`, over Electron IPC and the serve-mode WebSocket
 * alike, so the renderer always gets the real code and message (never a transport's stringified
 * exception).
 */
import { errorName } from '../error-codes';
import type { ErrorCode } from '../error-codes';

/** An error as it crosses the contract. */
export interface ConsoleErrorBody {
  code: ErrorCode;
  /** The code's name, e.g. AgentNotFound. */
  name: string;
  /** What was wrong, where, and what to do. */
  message: string;
  details?: Record<string, unknown>;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: ConsoleErrorBody };

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

export function failure(code: ErrorCode, message: string, details?: Record<string, unknown>): { ok: false; error: ConsoleErrorBody } {
  return { ok: false, error: { code, name: errorName(code), message, ...(details ? { details } : {}) } };
}

/** A failed request on the renderer side: thrown by `unwrap`, so TanStack Query sees an Error with the code. */
export class ConsoleRequestError extends Error {
  readonly code: ErrorCode;
  readonly details?: Record<string, unknown>;

  constructor(body: ConsoleErrorBody) {
    super(body.message);
    this.name = body.name;
    this.code = body.code;
    if (body.details) this.details = body.details;
  }
}

/** The value, or a ConsoleRequestError. */
export function unwrap<T>(result: Result<T>): T {
  if (result.ok) return result.value;
  throw new ConsoleRequestError(result.error);
}
