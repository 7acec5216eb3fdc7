/** How adapter failures become AgentRunError codes (contracts.ts), the same for both languages. */
import { AgentRunError } from '../contracts';

/** The error for a run whose RunContext signal fired: Timeout for a timeout reason, else Cancelled. */
export function abortedRunError(reason: unknown): AgentRunError {
  if (reason instanceof AgentRunError) return reason;
  const name = reason instanceof Error || reason instanceof DOMException ? reason.name : '';
  if (name === 'TimeoutError') return new AgentRunError('the run timed out', 'Timeout');
  return new AgentRunError('the run was cancelled', 'Cancelled');
}

/** The error for an exception the agent raised (already-coded errors pass through). */
export function agentRaisedError(error: unknown): AgentRunError {
  if (error instanceof AgentRunError) return error;
  if (error instanceof Error) return new AgentRunError(`the agent raised ${error.name}: ${error.message}`, 'AgentError', { errorName: error.name });
  return new AgentRunError(`the agent raised ${describe(error)}`, 'AgentError');
}

/** The error a tool denial raises inside the agent, and the run's final error. */
export function toolDeniedError(name: string, reason: string): AgentRunError {
  return new AgentRunError(`tool ${name} was denied: ${reason}`, 'ToolDenied', { tool: name, reason });
}

/** Aborts `controller` when `signal` does; returns the function that unlinks them. */
export function linkAbort(signal: AbortSignal, controller: AbortController): () => void {
  if (signal.aborted) {
    controller.abort(signal.reason);
    return () => {};
  }
  const onAbort = (): void => controller.abort(signal.reason);
  signal.addEventListener('abort', onAbort, { once: true });
  return () => signal.removeEventListener('abort', onAbort);
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 200 ? `${value.slice(0, 200)}…` : value);
  return typeof value;
}
