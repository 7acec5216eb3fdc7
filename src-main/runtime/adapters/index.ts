/**
 * Runs the user's agent (ARCHITECTURE.md §3): JavaScript/TypeScript in-process, Python in a
 * supervised stdlib-only subprocess speaking JSON lines (python/PROTOCOL.md). Both report every
 * tool call before it executes, so the policy engine can deny it.
 */
import type { AgentLanguage } from '../../../src-shared/dockfile';
import type { DockSpec } from '../../../src-shared/dockfile/types';
import type { AgentAdapter, EventSink, Logger } from '../contracts';
import { JsAgentAdapter } from './js-adapter';
import { PythonAgentAdapter } from './python-adapter';
import type { PythonAdapterOptions } from './python-adapter';

export { JsAgentAdapter } from './js-adapter';
export { PythonAgentAdapter, DEFAULT_ADAPTER_SCRIPT } from './python-adapter';
export type { PythonAdapterOptions } from './python-adapter';
export type { JsAdapterOptions } from './js-adapter';
export { TRACE_HEADER } from '../contracts';

export interface AgentAdapterOptions {
  /** The frozen DockSpec; `agent.entrypoint` names what to run. */
  spec: DockSpec;
  /** The agent project directory the entrypoint is resolved against (and the Python working directory). */
  projectDir: string;
  language: AgentLanguage;
  /** Python interpreter with the agent's dependencies (default `python3`). */
  pythonPath?: string;
  /** The agent's environment (its secrets, OPENAI_BASE_URL of the proxy…). JS: set on process.env; Python: the child's env. */
  env: Readonly<Record<string, string>>;
  logger: Logger;
  events: EventSink;
  /** The runtime's own LLM proxy base URL: requests under it carry TRACE_HEADER (default env.OPENAI_BASE_URL). */
  llmBaseUrl?: string;
  /** Python only: start/stop/restart tuning (tests shorten these). */
  python?: Pick<PythonAdapterOptions, 'scriptPath' | 'readyTimeoutMs' | 'stopGraceMs' | 'restart' | 'workers'>;
}

/** Creates the adapter for the agent's language; loading starts at once (see `ready()`). */
export function createAgentAdapter(options: AgentAdapterOptions): AgentAdapter {
  const common = {
    entrypoint: options.spec.agent.entrypoint,
    projectDir: options.projectDir,
    env: options.env,
    logger: options.logger,
    events: options.events,
    ...(options.llmBaseUrl !== undefined ? { llmBaseUrl: options.llmBaseUrl } : {}),
  };
  if (options.language === 'python') {
    const io = (options.spec.io_schema ?? {}) as { input_class?: string; output_class?: string };
    const ioClasses = io.input_class && io.output_class ? { input: io.input_class, output: io.output_class } : undefined;
    return new PythonAgentAdapter({
      ...common,
      ...options.python,
      ...(options.pythonPath !== undefined ? { pythonPath: options.pythonPath } : {}),
      ...(ioClasses ? { ioClasses } : {}),
    });
  }
  return new JsAgentAdapter({ ...common, language: options.language });
}
