/**
 * The tool gate for in-process agents: a LangChain callback handler whose `handleToolStart` asks
 * the policy engine before the tool's function runs. LangChain awaits a handler with
 * `raiseError: true` and rethrows what it throws from inside `tool.call()` — before `_call` — so a
 * denied tool never executes. It is a plain object: LangChain wraps it with
 * `BaseCallbackHandler.fromMethods`, which keeps the runtime free of a second @langchain/core copy.
 */
import type { AgentRunError, AgentStreamEvent, RunContext } from '../contracts';
import { toPlainJson } from './plain-output';
import { toolDeniedError } from './run-errors';
import { askToolPolicy, parseToolInput } from './tool-events';

export interface ToolGateOptions {
  context: RunContext;
  /** Receives tool_start, tool_end and tool_denied events. */
  emit(event: AgentStreamEvent): void;
  /** Called once per denial, before the error is thrown into the agent. */
  onDenied(error: AgentRunError): void;
}

/** Creates the per-run callback handler (pass it in the run config's `callbacks`). */
export function createToolGateHandler(options: ToolGateOptions): Record<string, unknown> {
  const calls = new Map<string, { callId: string; name: string }>();
  return {
    raiseError: true,
    awaitHandlers: true,
    handleToolStart(tool: unknown, input: unknown, runId: string, _parentRunId?: string, _tags?: string[], _metadata?: unknown, runName?: string, toolCallId?: string): void {
      const name = runName ?? serializedName(tool) ?? 'unknown_tool';
      const callId = toolCallId ?? runId;
      const value = parseToolInput(input);
      calls.set(runId, { callId, name });
      options.emit({ type: 'tool_start', callId, name, input: toPlainJson(value) });
      const decision = askToolPolicy(options.context, name, value);
      if (decision.allow) return;
      calls.delete(runId);
      const error = toolDeniedError(name, decision.reason);
      options.emit({ type: 'tool_denied', callId, name, reason: decision.reason });
      options.onDenied(error);
      throw error;
    },
    handleToolEnd(output: unknown, runId: string): void {
      const call = calls.get(runId);
      if (!call) return;
      calls.delete(runId);
      options.emit({ type: 'tool_end', callId: call.callId, name: call.name, output: toPlainJson(output) });
    },
    handleToolError(_error: unknown, runId: string): void {
      calls.delete(runId);
    },
  };
}

function serializedName(tool: unknown): string | undefined {
  if (typeof tool !== 'object' || tool === null) return undefined;
  const record = tool as { name?: unknown; id?: unknown };
  if (typeof record.name === 'string') return record.name;
  return undefined;
}
