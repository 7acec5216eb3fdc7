/**
 * The runtime's reading of the Python adapter's messages about a run (python/PROTOCOL.md), and
 * how a dead process is explained to the runs it took down. Untrusted input: the subprocess runs
 * the user's code, so every field is checked, never assumed.
 */
import type { AgentStreamEvent } from '../contracts';
import { AgentRunError } from '../contracts';
import type { AdapterMessage, PythonExit } from './python-process';

export type RunMessageAction =
  | { kind: 'event'; event: AgentStreamEvent & { type: 'token' | 'tool_start' | 'tool_end' | 'tool_denied' } }
  | { kind: 'end'; output: unknown }
  | { kind: 'error'; error: AgentRunError }
  | { kind: 'ignore' };

const ERROR_CODES = new Set<AgentRunError['code']>(['AgentError', 'ToolDenied', 'Cancelled', 'Timeout']);

/** What one message about a run means for it. */
export function readRunMessage(message: AdapterMessage): RunMessageAction {
  const callId = String(message.call_id ?? '');
  const name = String(message.name ?? 'unknown_tool');
  switch (message.type) {
    case 'token':
      return typeof message.text === 'string' && message.text ? { kind: 'event', event: { type: 'token', text: message.text } } : { kind: 'ignore' };
    case 'tool_start':
      return { kind: 'event', event: { type: 'tool_start', callId, name, input: message.input } };
    case 'tool_end':
      return { kind: 'event', event: { type: 'tool_end', callId, name, output: message.output } };
    case 'tool_denied':
      return { kind: 'event', event: { type: 'tool_denied', callId, name, reason: String(message.reason ?? '') } };
    case 'end':
      return { kind: 'end', output: message.output };
    case 'error': {
      // BadRequest and unknown codes are the adapter's or agent's failure, not a policy outcome.
      const code = ERROR_CODES.has(message.code as AgentRunError['code']) ? (message.code as AgentRunError['code']) : 'AgentError';
      return { kind: 'error', error: new AgentRunError(String(message.message ?? 'the agent failed'), code) };
    }
    default:
      return { kind: 'ignore' };
  }
}

/** The error in-flight runs get when their process dies: how it died and its last stderr lines. */
export function crashError(exit: PythonExit): AgentRunError {
  const how = exit.failure ?? (exit.signal ? `the Python adapter was killed by ${exit.signal}` : `the Python adapter exited with code ${exit.code ?? 'unknown'}`);
  const tail = exit.stderrTail.slice(-5);
  const message = `${how} while this request was running${tail.length ? `; last stderr: ${tail.join(' | ')}` : ''}`;
  return new AgentRunError(message, 'AdapterCrashed', { exitCode: exit.code, signal: exit.signal, stderr: exit.stderrTail });
}

/** A short account of how a process ended, for logs and the give-up message. */
export function describeExit(exit: PythonExit): string {
  return exit.failure ?? (exit.signal ? `killed by ${exit.signal}` : `exit code ${exit.code ?? 'unknown'}`);
}
