/**
 * The in-process adapter for JavaScript/TypeScript agents (ARCHITECTURE.md §3). The agent module
 * is imported into the runtime's own process, so a run that ignores its abort signal cannot be
 * killed — it is abandoned: the caller gets Cancelled/Timeout at once and the run's later result is
 * dropped. TypeScript entrypoints load through Node's built-in type stripping (Node ≥ 22.18,
 * erasable syntax only); anything else is compiled to JavaScript before deploy.
 */
import type { AgentAdapter, AgentStreamEvent, EventSink, Logger, RunContext } from '../contracts';
import { AgentRunError } from '../contracts';
import { parseEntrypoint, resolveJsEntrypoint } from './entrypoint';
import { EventChannel, finalOutput } from './event-channel';
import { loadJsAgent } from './js-agent-loader';
import type { JsAgentTarget, LoadedJsAgent, RunnableLike } from './js-agent-loader';
import { createToolGateHandler } from './js-tool-gate';
import { contentText, messageType, toPlainJson } from './plain-output';
import { abortedRunError, agentRaisedError, linkAbort } from './run-errors';
import { emitToolTelemetry } from './tool-events';
import { installTraceFetch, runWithTraceId } from './trace-context';

export interface JsAdapterOptions {
  /** `agent.entrypoint` of the frozen DockSpec. */
  entrypoint: string;
  projectDir: string;
  language: 'javascript' | 'typescript';
  /** The agent's environment, set on `process.env` before its module loads (it shares the process). */
  env: Readonly<Record<string, string>>;
  /** The runtime's LLM proxy base URL: fetches under it carry the run's trace id. */
  llmBaseUrl?: string;
  logger: Logger;
  events: EventSink;
}

type RunMode = 'invoke' | 'stream';

interface ActiveRun {
  channel: EventChannel<AgentStreamEvent>;
  controller: AbortController;
}

/** Runs a JavaScript/TypeScript agent inside the runtime process. */
export class JsAgentAdapter implements AgentAdapter {
  readonly language: 'javascript' | 'typescript';
  private readonly loading: Promise<LoadedJsAgent>;
  private readonly releaseTraceFetch: (() => void) | undefined;
  private readonly active = new Set<ActiveRun>();
  private closed = false;

  constructor(private readonly options: JsAdapterOptions) {
    this.language = options.language;
    for (const [key, value] of Object.entries(options.env)) process.env[key] = value;
    const proxy = options.llmBaseUrl ?? options.env.OPENAI_BASE_URL;
    // Before the import: SDK clients built at module top level capture globalThis.fetch.
    this.releaseTraceFetch = proxy ? installTraceFetch(proxy) : undefined;
    this.loading = this.load();
    this.loading.catch(() => {}); // Reported through ready() and every run.
  }

  /** Resolves once the entrypoint is imported and classified; rejects with the load error. */
  async ready(): Promise<void> {
    await this.loading;
  }

  /** Runs the agent to completion and returns its output as plain JSON. */
  async invoke(input: unknown, context: RunContext): Promise<unknown> {
    return finalOutput(this.start('invoke', input, context).channel);
  }

  /** Streams tokens and tool events, then `end` with the output; stopping early cancels the run. */
  async *stream(input: unknown, context: RunContext): AsyncIterable<AgentStreamEvent> {
    const run = this.start('stream', input, context);
    try {
      yield* run.channel;
    } finally {
      if (!run.channel.settled) run.controller.abort(new AgentRunError('the stream consumer stopped', 'Cancelled'));
    }
  }

  /** Fails in-flight runs with AdapterStopped and stops adding the trace header for this adapter. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const run of this.active) run.controller.abort(new AgentRunError('the adapter was stopped', 'AdapterStopped'));
    this.releaseTraceFetch?.();
    this.options.events.emit('adapter', { language: this.language, state: 'stopped' });
  }

  private async load(): Promise<LoadedJsAgent> {
    const reference = parseEntrypoint(this.options.entrypoint);
    const file = await resolveJsEntrypoint(reference, this.options.projectDir);
    const agent = await loadJsAgent(file, reference.symbol);
    this.options.logger.info('agent loaded', { entrypoint: this.options.entrypoint, kind: agent.target.kind });
    this.options.events.emit('adapter', { language: this.language, state: 'ready', kind: agent.target.kind });
    return agent;
  }

  private start(mode: RunMode, input: unknown, context: RunContext): ActiveRun {
    const channel = new EventChannel<AgentStreamEvent>();
    const controller = new AbortController();
    const run: ActiveRun = { channel, controller };
    controller.signal.addEventListener('abort', () => channel.fail(abortedRunError(controller.signal.reason)), { once: true });
    if (this.closed) {
      controller.abort(new AgentRunError('the adapter was stopped', 'AdapterStopped'));
      return run;
    }
    const unlink = linkAbort(context.signal, controller);
    this.active.add(run);
    let denied: AgentRunError | undefined;
    const emit = (event: AgentStreamEvent): void => {
      if (event.type !== 'token') emitToolTelemetry(this.options.events, context.traceId, event);
      if (mode === 'stream') channel.push(event);
    };
    const gate = createToolGateHandler({
      context,
      emit,
      onDenied: (error) => {
        // Stop the run at once: a graph may catch the tool error (ToolNode turns errors into
        // messages) and go on to call the model again.
        denied ??= error;
        controller.abort(error);
      },
    });
    const config: Record<string, unknown> = {
      signal: controller.signal,
      callbacks: [gate],
      configurable: { thread_id: context.traceId, ...context.arguments },
      metadata: { agentdock_trace_id: context.traceId },
    };
    this.loading
      .then((agent) => {
        controller.signal.throwIfAborted(); // Cancelled while the module was loading: don't start it.
        return runWithTraceId(context.traceId, () => this.execute(agent, mode, input, config, emit, controller.signal));
      })
      .then(
        (output) => {
          if (denied) return channel.fail(denied);
          channel.push({ type: 'end', output: toPlainJson(output) });
          channel.close();
        },
        (error: unknown) => {
          const failure = denied ?? (controller.signal.aborted ? abortedRunError(controller.signal.reason) : agentRaisedError(error));
          if (failure.code === 'AgentError') {
            this.options.logger.warn('agent run failed', { code: failure.code, errorName: error instanceof Error ? error.name : typeof error });
          }
          channel.fail(failure);
        },
      )
      .finally(() => {
        unlink();
        this.active.delete(run);
      });
    return run;
  }

  private async execute(agent: LoadedJsAgent, mode: RunMode, input: unknown, config: Record<string, unknown>, emit: (event: AgentStreamEvent) => void, signal: AbortSignal): Promise<unknown> {
    const target: JsAgentTarget = agent.target;
    const token = (text: string): void => {
      if (text) emit({ type: 'token', text });
    };
    switch (target.kind) {
      case 'graph':
        return mode === 'invoke' ? target.runnable.invoke(input, config) : streamGraph(target.runnable, input, config, token);
      case 'runnable':
        return mode === 'invoke' ? target.runnable.invoke(input, config) : streamRunnable(target.runnable, input, config, token);
      case 'function':
      case 'generator': {
        const call = async (): Promise<unknown> => {
          const result = await target.fn(input, config);
          return isIterable(result) ? consumeGenerator(result, token, signal) : result;
        };
        return agent.configScope ? agent.configScope(config, call) : call();
      }
    }
  }
}

/** LangGraph: `messages` mode carries LLM tokens, `values` the state; the last state is the output. */
async function streamGraph(graph: RunnableLike & { stream: NonNullable<RunnableLike['stream']> }, input: unknown, config: Record<string, unknown>, token: (text: string) => void): Promise<unknown> {
  let output: unknown;
  for await (const chunk of await graph.stream(input, { ...config, streamMode: ['messages', 'values'] })) {
    if (!Array.isArray(chunk)) continue;
    const [mode, payload] = chunk as [unknown, unknown];
    if (mode === 'values') output = payload;
    else if (mode === 'messages' && Array.isArray(payload) && messageType(payload[0]) === 'ai') token(contentText((payload[0] as { content: unknown }).content));
  }
  return output;
}

/** Any other Runnable: `streamEvents` v2 sees tokens of models nested anywhere inside it. */
async function streamRunnable(runnable: RunnableLike, input: unknown, config: Record<string, unknown>, token: (text: string) => void): Promise<unknown> {
  if (typeof runnable.streamEvents === 'function') {
    let output: unknown;
    // The first event is the root run's start (LangChain.js leaves parent_ids empty in v2).
    let rootRunId: unknown;
    for await (const raw of runnable.streamEvents(input, { ...config, version: 'v2' })) {
      const event = raw as { event?: string; run_id?: unknown; data?: { chunk?: unknown; output?: unknown }; tags?: string[] };
      rootRunId ??= event.run_id;
      if (event.tags?.includes('nostream')) continue;
      if (event.event === 'on_chat_model_stream') token(contentText((event.data?.chunk as { content?: unknown } | undefined)?.content));
      else if (event.event === 'on_llm_stream') token(String((event.data?.chunk as { text?: unknown } | undefined)?.text ?? ''));
      else if (event.event?.endsWith('_end') && event.run_id === rootRunId) output = event.data?.output;
    }
    return output;
  }
  let output: unknown;
  for await (const chunk of await runnable.stream!(input, config)) {
    if (typeof chunk === 'string') token(chunk);
    else if (messageType(chunk) === 'ai') token(contentText((chunk as { content: unknown }).content));
    output = concatChunks(output, chunk);
  }
  return output;
}

/**
 * A generator agent: strings (and AI message chunks) it yields are tokens; other values are partial
 * outputs. Its output is its return value, else the last partial output, else the joined tokens.
 */
async function consumeGenerator(iterable: AsyncIterable<unknown> | Iterable<unknown>, token: (text: string) => void, signal: AbortSignal): Promise<unknown> {
  const iterator = Symbol.asyncIterator in iterable ? iterable[Symbol.asyncIterator]() : (iterable as Iterable<unknown>)[Symbol.iterator]();
  let text = '';
  let partial: { value: unknown } | undefined;
  for (;;) {
    const step = await iterator.next();
    if (step.done) return step.value !== undefined ? step.value : partial ? partial.value : text;
    if (signal.aborted) {
      await iterator.return?.();
      throw signal.reason;
    }
    const value: unknown = step.value;
    const piece = typeof value === 'string' ? value : messageType(value) === 'ai' ? contentText((value as { content: unknown }).content) : undefined;
    if (piece !== undefined) {
      text += piece;
      token(piece);
    } else {
      partial = { value };
    }
  }
}

function concatChunks(previous: unknown, chunk: unknown): unknown {
  if (previous === undefined) return chunk;
  if (typeof previous === 'string' && typeof chunk === 'string') return previous + chunk;
  const concat = (previous as { concat?: unknown } | null)?.concat;
  if (typeof concat === 'function' && typeof previous === 'object') return (concat as (other: unknown) => unknown).call(previous, chunk);
  return chunk;
}

function isIterable(value: unknown): value is AsyncIterable<unknown> | Iterable<unknown> {
  if (typeof value !== 'object' || value === null) return false;
  if (Symbol.asyncIterator in value) return true;
  // Arrays and other plain iterables are outputs, not generators.
  return Symbol.iterator in value && typeof (value as { next?: unknown }).next === 'function';
}
