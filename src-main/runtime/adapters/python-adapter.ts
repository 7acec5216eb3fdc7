/**
 * The adapter for Python agents (ARCHITECTURE.md §3): a supervised stdlib-only subprocess speaking
 * JSON lines (python/PROTOCOL.md). This side maps run ids to pending runs, answers tool_start with
 * the policy engine's decision (the subprocess blocks the tool until then), and keeps the process
 * alive: when it dies, in-flight runs fail with AdapterCrashed and a new process starts with
 * backoff (restart-policy.ts); runs that arrive meanwhile wait for it.
 */
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { AgentAdapter, AgentStreamEvent, EventSink, IoSchemas, Logger, RunContext } from '../contracts';
import { AgentRunError } from '../contracts';
import { loadError, parseEntrypoint } from './entrypoint';
import { EventChannel, finalOutput } from './event-channel';
import { MAX_LINE_BYTES } from './json-lines';
import type { AdapterMessage, PythonExit } from './python-process';
import { PythonProcess } from './python-process';
import { crashError, describeExit, readRunMessage } from './python-protocol';
import { DEFAULT_RESTART_POLICY, RestartPolicy } from './restart-policy';
import type { RestartPolicyOptions } from './restart-policy';
import { abortedRunError } from './run-errors';
import { askToolPolicy, emitToolTelemetry } from './tool-events';
import { sharedProgressChannel } from '../telemetry/progress';
import { deferred } from '../../../src-shared/util/deferred';
import type { Deferred } from '../../../src-shared/util/deferred';

export interface PythonAdapterOptions {
  /** `agent.entrypoint` of the frozen DockSpec (`pkg.module:symbol`). */
  entrypoint: string;
  projectDir: string;
  /** Interpreter with the agent's dependencies installed (default `python3`). */
  pythonPath?: string;
  /** The agent's environment, added to the runtime's own for the subprocess. */
  env: Readonly<Record<string, string>>;
  /** The runtime's LLM proxy base URL: httpx requests under it carry the trace id (default env.OPENAI_BASE_URL). */
  llmBaseUrl?: string;
  logger: Logger;
  events: EventSink;
  /** The adapter program; default python/agentdock_adapter.py beside this module (the build copies it). */
  scriptPath?: string;
  /** How long a starting process may take to report ready, ms (default 30 000). */
  readyTimeoutMs?: number;
  /** Each stop step (shutdown request, then SIGTERM) gets this long before the next, ms (default 3 000). */
  stopGraceMs?: number;
  restart?: Partial<RestartPolicyOptions>;
  /** Runs executing at once inside the subprocess (default 16). */
  workers?: number;
  /** Pydantic I/O classes of the Dockfile (`io_schema.input_class`/`output_class`). */
  ioClasses?: { input: string; output: string };
}

interface PythonRun {
  id: string;
  mode: 'invoke' | 'stream';
  context: RunContext;
  channel: EventChannel<AgentStreamEvent>;
  process: PythonProcess | undefined;
  unlink: () => void;
}

/** The adapter program shipped beside this module (out/runtime/python/ in the bundle). */
export const DEFAULT_ADAPTER_SCRIPT = fileURLToPath(new URL('./python/agentdock_adapter.py', import.meta.url));

/** Runs a Python agent in a supervised subprocess. */
export class PythonAgentAdapter implements AgentAdapter {
  readonly language = 'python' as const;
  private readonly policy: RestartPolicy;
  private readonly runs = new Map<string, PythonRun>();
  private state: 'starting' | 'ready' | 'restarting' | 'failed' | 'closed' = 'starting';
  private schemas: IoSchemas | undefined;
  private current: PythonProcess | undefined;
  private nextReady: Deferred<PythonProcess> = deferred();
  private failure: AgentRunError | undefined;
  private restartTimer: NodeJS.Timeout | undefined;
  private restarts = 0;

  constructor(private readonly options: PythonAdapterOptions) {
    this.policy = new RestartPolicy({ ...DEFAULT_RESTART_POLICY, ...options.restart });
    try {
      parseEntrypoint(options.entrypoint);
      const script = options.scriptPath ?? DEFAULT_ADAPTER_SCRIPT;
      if (!existsSync(script)) throw loadError(`the Python adapter program is missing: ${script}`);
      this.launch();
    } catch (error) {
      this.fail(error instanceof AgentRunError ? error : loadError(String(error)));
    }
  }

  /** The live subprocess's pid, if one is running (for health reports and tests). */
  get pid(): number | undefined {
    return this.current?.exited === false ? this.current.pid : undefined;
  }

  /** Resolves when a subprocess is ready (waits through a restart); rejects once the adapter gave up or closed. */
  async ready(): Promise<void> {
    await this.waitReady();
  }

  /** Runs the agent to completion and returns its output as plain JSON. */
  async invoke(input: unknown, context: RunContext): Promise<unknown> {
    return finalOutput(this.start('invoke', input, context).channel);
  }

  /** Streams tokens and tool events, then `end`; stopping early cancels the run in the subprocess. */
  async *stream(input: unknown, context: RunContext): AsyncIterable<AgentStreamEvent> {
    const run = this.start('stream', input, context);
    try {
      yield* run.channel;
    } finally {
      if (!run.channel.settled) this.cancel(run, new AgentRunError('the stream consumer stopped', 'Cancelled'));
    }
  }

  /** Fails in-flight runs with AdapterStopped and stops the subprocess (shutdown → SIGTERM → SIGKILL). */
  async close(): Promise<void> {
    if (this.state === 'closed') return;
    this.state = 'closed';
    clearTimeout(this.restartTimer);
    const stopped = new AgentRunError('the adapter was stopped', 'AdapterStopped');
    for (const run of [...this.runs.values()]) this.finish(run, stopped);
    this.nextReady.reject(stopped);
    const process = this.current;
    this.current = undefined;
    await process?.stop(this.options.stopGraceMs ?? 3_000);
    this.options.events.emit('adapter', { language: 'python', state: 'stopped' });
  }

  /** The JSON Schemas of the Pydantic I/O classes, once the adapter has reported ready. */
  describeSchemas(): IoSchemas | undefined {
    return this.schemas;
  }

  private launch(): void {
    const process = new PythonProcess({
      pythonPath: this.options.pythonPath ?? 'python3',
      scriptPath: this.options.scriptPath ?? DEFAULT_ADAPTER_SCRIPT,
      projectDir: this.options.projectDir,
      entrypoint: this.options.entrypoint,
      ...(this.options.ioClasses ? { ioClasses: this.options.ioClasses } : {}),
      env: this.childEnv(),
      readyTimeoutMs: this.options.readyTimeoutMs ?? 30_000,
      logger: this.options.logger,
      onMessage: (message) => this.onMessage(process, message),
      onExit: (exit) => this.onExit(process, exit),
    });
    this.current = process;
    process.ready.then(
      (message) => {
        if (this.current !== process || this.state === 'closed') return;
        this.state = 'ready';
        this.schemas = readySchemas(message);
        this.nextReady.resolve(process);
        this.options.logger.info('python adapter ready', { entrypoint: this.options.entrypoint, kind: message.kind, pid: process.pid, restarts: this.restarts });
        this.options.events.emit('adapter', { language: 'python', state: 'ready', kind: message.kind, restarts: this.restarts });
      },
      () => {}, // onExit reports it.
    );
  }

  private childEnv(): NodeJS.ProcessEnv {
    const proxy = this.options.llmBaseUrl ?? this.options.env.OPENAI_BASE_URL;
    return {
      ...process.env,
      ...this.options.env,
      PYTHONUNBUFFERED: '1',
      PYTHONIOENCODING: 'utf-8',
      AGENTDOCK_MAX_LINE_BYTES: String(MAX_LINE_BYTES),
      ...(this.options.workers !== undefined ? { AGENTDOCK_WORKERS: String(this.options.workers) } : {}),
      ...(proxy ? { AGENTDOCK_LLM_BASE_URL: proxy } : {}),
    };
  }

  private onExit(process: PythonProcess, exit: PythonExit): void {
    if (this.current !== process) return;
    this.current = undefined;
    const crash = crashError(exit);
    for (const run of [...this.runs.values()]) if (run.process === process) this.finish(run, crash);
    if (this.state === 'closed') return;
    if (exit.fatal !== undefined) {
      this.fail(loadError(`cannot start the Python agent ${this.options.entrypoint}: ${exit.fatal}`));
      return;
    }
    const delayMs = this.policy.next(Date.now());
    const details = { exitCode: exit.code, signal: exit.signal, ...(exit.failure ? { failure: exit.failure } : {}) };
    if (delayMs === undefined) {
      this.fail(new AgentRunError(`the Python adapter keeps crashing; gave up restarting it (last: ${describeExit(exit)})`, 'AdapterCrashed', details));
      return;
    }
    if (this.state === 'ready') this.nextReady = deferred();
    this.state = 'restarting';
    this.restarts += 1;
    this.options.logger.warn('python adapter crashed; restarting', { ...details, delayMs });
    this.options.events.emit('adapter', { language: 'python', state: 'restarting', delayMs, ...details });
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      if (this.state === 'restarting') this.launch();
    }, delayMs);
  }

  private fail(error: AgentRunError): void {
    this.state = 'failed';
    this.failure = error;
    this.nextReady.reject(error);
    for (const run of [...this.runs.values()]) this.finish(run, error);
    this.options.logger.error('python adapter failed', { message: error.message });
    this.options.events.emit('adapter', { language: 'python', state: 'failed', message: error.message });
  }

  private waitReady(): Promise<PythonProcess> {
    if (this.state === 'closed') return Promise.reject(new AgentRunError('the adapter was stopped', 'AdapterStopped'));
    if (this.state === 'failed') return Promise.reject(this.failure);
    return this.nextReady.promise;
  }

  private start(mode: 'invoke' | 'stream', input: unknown, context: RunContext): PythonRun {
    const run: PythonRun = { id: randomUUID(), mode, context, channel: new EventChannel(), process: undefined, unlink: () => {} };
    if (context.signal.aborted) {
      run.channel.fail(abortedRunError(context.signal.reason));
      return run;
    }
    this.runs.set(run.id, run);
    const onAbort = (): void => this.cancel(run, abortedRunError(context.signal.reason));
    context.signal.addEventListener('abort', onAbort, { once: true });
    run.unlink = () => context.signal.removeEventListener('abort', onAbort);
    this.dispatch(run, input);
    return run;
  }

  private dispatch(run: PythonRun, input: unknown): void {
    this.waitReady().then(
      (process) => {
        if (run.channel.settled) return;
        if (process.exited) return this.dispatch(run, input); // Died between ready and now: wait for the next one.
        run.process = process;
        try {
          process.send({ op: run.mode, id: run.id, input, config: { trace_id: run.context.traceId, arguments: run.context.arguments } });
        } catch (error) {
          // JSON.stringify refuses BigInt and cycles; HTTP bodies never have them, direct callers might.
          this.finish(run, new AgentRunError(`the input cannot be sent to the Python agent: ${error instanceof Error ? error.message : String(error)}`, 'AgentError'));
        }
      },
      (error: unknown) => this.finish(run, error instanceof AgentRunError ? error : new AgentRunError(String(error), 'AdapterCrashed')),
    );
  }

  private cancel(run: PythonRun, error: AgentRunError): void {
    if (run.channel.settled) return;
    run.process?.send({ op: 'cancel', id: run.id });
    this.finish(run, error);
  }

  private finish(run: PythonRun, error?: AgentRunError): void {
    if (run.channel.settled) return;
    this.runs.delete(run.id);
    run.unlink();
    if (error) run.channel.fail(error);
    else run.channel.close();
  }

  private onMessage(process: PythonProcess, message: AdapterMessage): void {
    if (message.type === 'progress') {
      // The agent's agentdock.report_progress: checked and emitted by the runtime's progress channel.
      const { done, total, unit, trace_id: traceId } = message;
      sharedProgressChannel().report({ done, total, unit }, typeof traceId === 'string' && traceId.length <= 200 ? traceId : undefined);
      return;
    }
    const run = typeof message.id === 'string' ? this.runs.get(message.id) : undefined;
    if (!run || run.process !== process) {
      // A cancelled run's tool would otherwise block its thread until the decision timeout.
      if (message.type === 'tool_start') process.send({ op: 'tool_decision', id: message.id, call_id: message.call_id, allow: false, reason: 'the run is no longer active' });
      return;
    }
    const action = readRunMessage(message);
    switch (action.kind) {
      case 'event':
        if (action.event.type !== 'token') emitToolTelemetry(this.options.events, run.context.traceId, action.event);
        if (run.mode === 'stream') run.channel.push(action.event);
        if (action.event.type === 'tool_start') {
          const decision = askToolPolicy(run.context, action.event.name, action.event.input);
          process.send({ op: 'tool_decision', id: run.id, call_id: action.event.callId, allow: decision.allow, reason: decision.allow ? '' : decision.reason });
        }
        return;
      case 'end':
        run.channel.push({ type: 'end', output: action.output });
        this.finish(run);
        return;
      case 'error':
        this.finish(run, action.error);
        return;
      case 'ignore':
        this.options.logger.debug('python adapter: ignored a message of unknown type', { type: message.type });
    }
  }
}

/** The `schemas` of a ready message, when both are JSON objects. */
function readySchemas(message: Record<string, unknown>): IoSchemas | undefined {
  const schemas = message.schemas as { input?: unknown; output?: unknown } | undefined;
  const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
  return schemas && isObject(schemas.input) && isObject(schemas.output) ? { input: schemas.input, output: schemas.output } : undefined;
}
