/**
 * The runtime's composition root: reads the config bundle and wires auth, policy, the LLM proxy,
 * the agent adapter and telemetry into the HTTP server. Everything that holds a resource (servers,
 * the watcher, the adapter, the exporter) is closed by `close()`, in reverse order of start.
 */
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Writable } from 'node:stream';
import type { PriceOverrides } from '../../src-shared/pricing/price-table';
import type { DockSpec } from '../../src-shared/dockfile/types';
import { createAgentAdapter } from './adapters';
import { currentTraceId } from './adapters/trace-context';
import { createAuthSnapshot } from './auth/auth-snapshot';
import { createAuthGate } from './auth/auth-gate';
import { Authenticator } from './auth/authenticator';
import { RateLimiter } from './auth/rate-limiter';
import { watchBundle } from './config/bundle-watcher';
import { loadRuntimeBundle } from './config/runtime-bundle';
import type { ReloadableParts, RuntimeBundle } from './config/runtime-bundle';
import type { PiiAuditRecord, TelemetryEvent } from './contracts';
import { DEFAULT_MAX_BODY_BYTES } from './http/body';
import { createIoValidator, inlineSchemas } from './http/io-schema';
import { startHttpServer } from './http/server';
import type { HttpServerHandle } from './http/server';
import type { RuntimeServices } from './http/services';
import { agentLlmEnvironment, Budget, createAgentToken, fileBudgetStore, LlmProxy, serveProxy, startSimulatedProvider } from './llm';
import type { RunningProxy, SimulatedProvider } from './llm';
import { PolicyEngine } from './policy';
import { sharedBreakerRegistry } from './reliability/breaker-registry';
import { EventBus } from './telemetry/event-bus';
import { LangfuseExporter } from './telemetry/langfuse-exporter';
import { JsonLogger, parseLogLevel } from './telemetry/logger';
import { METRIC } from './telemetry/metric-names';
import { checkProgress, sharedProgressChannel } from './telemetry/progress';
import { createRuntimeMetrics } from './telemetry/runtime-metrics';
import { serveEventStream } from './telemetry/sse';

export interface StartRuntimeOptions {
  /** The config bundle directory (spec.json, runtime.json, keys.json, secrets.json). */
  bundleDir: string;
  /** Overrides `expose.host` (the process target binds 127.0.0.1). */
  host?: string;
  /** Overrides `expose.port`; 0 picks a free port. */
  port?: number;
  /** Where JSON log lines go (default stdout). */
  logStream?: Writable;
  /**
   * The replica's own directory (AGENTDOCK_STATE_DIR): the budget's spend, kept across restarts,
   * and the Langfuse spool. Without it spend lives in memory only and the spool goes under the OS
   * temp dir.
   */
  stateDir?: string;
}

export interface RunningRuntime {
  url: string;
  /** The loopback-only LLM proxy the agent talks to. */
  llmUrl: string;
  spec: DockSpec;
  events: EventBus;
  budget: Budget;
  /** The simulated provider, when runtime.json asks for one and gives no upstream URL. */
  simulatedProvider?: SimulatedProvider;
  /** Re-reads keys.json, secrets.json and budget.json now (SIGUSR1 does the same). */
  reload(): Promise<void>;
  /** Drains in-flight requests (up to `graceMs`), flushes telemetry, stops the agent. */
  close(graceMs?: number): Promise<void>;
}

const DEFAULT_REQUEST_TIMEOUT_MS = 120_000;

/** Starts the runtime from a config bundle. */
export async function startRuntime(options: StartRuntimeOptions): Promise<RunningRuntime> {
  const bundle = await loadRuntimeBundle(options.bundleDir);
  const { spec, settings } = bundle;
  const closers: (() => Promise<void> | void)[] = [];
  const close = async (): Promise<void> => {
    for (const closer of closers.splice(0).reverse()) {
      try {
        await closer();
      } catch {
        // Shutdown goes on: one resource failing to close must not keep the others open.
      }
    }
  };

  try {
    const events = new EventBus({ agent: spec.agent.name, version: settings.agentVersion });
    const metrics = createRuntimeMetrics({ agent: spec.agent.name, version: settings.agentVersion });
    const logger = new JsonLogger({
      agent: spec.agent.name,
      version: settings.agentVersion,
      level: parseLogLevel(spec.observability.log_level),
      events,
      ...(options.logStream ? { stream: options.logStream } : {}),
    });
    for (const warning of bundle.warnings) logger.warn(warning);

    let parts: ReloadableParts = bundle;
    let authSnapshot = createAuthSnapshot(spec, parts);
    const authenticator = new Authenticator(() => authSnapshot);
    const auth = createAuthGate(authenticator, new RateLimiter(spec.auth.rate_limits));

    const auditKey = parts.secrets.auditHashKey ?? randomBytes(32).toString('hex');
    if (!parts.secrets.auditHashKey) logger.warn('secrets.json has no auditHashKey: PII audit hashes use a per-process key and will not match across restarts');
    const policy = new PolicyEngine(spec, {
      auditKey,
      events,
      onAudit: (record: PiiAuditRecord) => events.emit('policy', { kind: 'pii_audit', ...record }, record.traceId),
    });

    // The LLM proxy listens on loopback only, whatever expose.host says: it spends the real
    // provider key, so nothing outside this replica may reach it. The agent also has to present
    // a per-process token, so other local processes cannot use it either.
    let simulatedProvider: SimulatedProvider | undefined;
    const provider = settings.provider ?? { mode: 'simulated' as const };
    let openaiBaseUrl = provider.openaiBaseUrl;
    let anthropicBaseUrl = provider.anthropicBaseUrl;
    if (provider.mode === 'simulated' && (!openaiBaseUrl || !anthropicBaseUrl)) {
      simulatedProvider = await startSimulatedProvider((provider.simulated ?? {}) as Parameters<typeof startSimulatedProvider>[0]);
      closers.push(() => simulatedProvider?.close());
      openaiBaseUrl ??= simulatedProvider.openaiBaseUrl;
      anthropicBaseUrl ??= simulatedProvider.anthropicBaseUrl;
      logger.info('using the simulated model provider', { url: simulatedProvider.url });
    }
    // budget.json (an approved increase) outranks runtime.json's limit, now and on every reload.
    const limitOf = (reloadable: ReloadableParts): number | null => reloadable.budget?.limitUsd ?? settings.budget?.limitUsd ?? null;
    // The replica's own files (spend, Langfuse spool); without a state dir, spend stays in memory.
    const agentStateDir = path.join(options.stateDir ?? path.join(tmpdir(), 'agentdock-runtime'), spec.agent.name);
    const budgetStore = options.stateDir ? fileBudgetStore(agentStateDir, (message) => logger.warn(message)) : undefined;
    const budget = new Budget({ limitUsd: limitOf(parts), ...(settings.budget?.warnRatio ? { warnRatio: settings.budget.warnRatio } : {}), ...(budgetStore ? { store: budgetStore } : {}) }, events);
    if (budgetStore) closers.push(() => budgetStore.close());
    const carriedOver = budget.snapshot();
    if (carriedOver.spentUsd > 0) {
      metrics.set(METRIC.budgetSpent, carriedOver.spentUsd);
      logger.info('budget spend carried over from before the restart', { spentUsd: carriedOver.spentUsd, limitUsd: carriedOver.limitUsd });
    }
    const agentToken = createAgentToken();
    const proxy = new LlmProxy({
      provider: { mode: provider.mode, openaiBaseUrl: openaiBaseUrl ?? 'https://api.openai.com/v1', anthropicBaseUrl: anthropicBaseUrl ?? 'https://api.anthropic.com' },
      providerKeys: () => parts.secrets.providerKeys ?? {},
      agentToken,
      budget,
      prices: toPriceOverrides(settings.prices),
      events,
      metrics,
      createOutputRedactor: (traceId) => policy.createStreamRedactor('llm_output', traceId ?? 'unattributed'),
      redactOutput: (text, traceId) => policy.redactText(text, 'llm_output', traceId ?? 'unattributed').text,
      authorizeTool: (name, traceId) => policy.authorizeTool(name, traceId ?? 'unattributed'),
    });
    const llm: RunningProxy = await serveProxy(proxy, { host: '127.0.0.1', port: 0 });
    closers.push(() => llm.close());

    sharedBreakerRegistry().attach({ events, metrics });
    closers.push(() => sharedBreakerRegistry().detach());

    // Progress from agent code: the JS SDK reports here directly, the Python adapter forwards its
    // agent's reports here; a report made inside a run carries the run's trace id.
    const progress = sharedProgressChannel();
    progress.attach((raw, traceId) => {
      const checked = checkProgress(raw);
      if (!checked.ok) {
        logger.warn('progress report ignored', { reason: checked.reason });
        return false;
      }
      events.emit('progress', { ...checked.progress }, traceId ?? currentTraceId());
      return true;
    });
    closers.push(() => progress.detach());

    const adapter = createAgentAdapter({
      spec,
      projectDir: settings.projectDir,
      language: settings.language,
      ...(settings.pythonPath ? { pythonPath: settings.pythonPath } : {}),
      env: { ...(parts.secrets.env ?? {}), ...agentLlmEnvironment(llm.url, agentToken) },
      llmBaseUrl: llm.url,
      logger,
      events,
    });
    closers.push(() => adapter.close());
    let ready = false;
    let loadFailure: string | undefined;
    adapter.ready().then(
      () => {
        // Pydantic I/O classes: the Python adapter reports their JSON Schemas once loaded.
        const reported = adapter.describeSchemas?.();
        if (reported && !inlineSchemas(spec)) services.io = createIoValidator(reported);
        ready = true;
        logger.info('agent ready', { language: adapter.language });
      },
      (error: unknown) => {
        loadFailure = error instanceof Error ? error.message : String(error);
        logger.error('agent failed to load', { error: loadFailure });
      },
    );

    const exporter = startLangfuse(spec, settings.agentVersion, events, logger, metrics, agentStateDir);
    if (exporter) closers.push(() => exporter.close());

    const io = createIoValidator(inlineSchemas(spec));
    // `io` is replaced once the agent reports its schemas (Pydantic classes), before `ready`.
    const services: RuntimeServices = {
      spec,
      agentVersion: settings.agentVersion,
      auth,
      policy,
      adapter,
      io,
      events,
      serveEvents: (req, res) => void serveEventStream(req, res, events),
      metrics,
      ledger: {
        totalsFor: (traceId) => {
          const totals = proxy.ledger.forTrace(traceId);
          return { inputTokens: totals?.inputTokens ?? 0, outputTokens: totals?.outputTokens ?? 0, costUsd: totals?.costUsd ?? 0, llmCalls: totals?.requests ?? 0 };
        },
      },
      logger,
      limits: {
        maxBodyBytes: settings.limits?.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
        requestTimeoutMs: settings.limits?.requestTimeoutMs ?? timeoutFromArguments(spec) ?? DEFAULT_REQUEST_TIMEOUT_MS,
      },
      isReady: () => ready,
      loadFailure: () => loadFailure,
      clock: Date.now,
    };

    const http: HttpServerHandle = await startHttpServer(services, { host: options.host ?? spec.expose.host, port: options.port ?? spec.expose.port });
    let drainMs = 10_000;
    closers.push(() => http.close(drainMs));

    const applyReload = (next: ReloadableParts): void => {
      parts = next;
      authSnapshot = createAuthSnapshot(spec, next);
      for (const warning of next.warnings) logger.warn(warning);
      const limitUsd = limitOf(next);
      if (limitUsd !== budget.snapshot().limitUsd) {
        // The new limit applies to the next model call; calls in flight keep their reservations.
        budget.setLimit(limitUsd);
        if (limitUsd !== null) metrics.set(METRIC.budgetLimit, limitUsd);
        logger.info('budget limit changed', { limitUsd, ...(next.budget?.approvedBy ? { approvedBy: next.budget.approvedBy } : {}) });
      }
      events.emit('config', { reloaded: ['keys.json', 'secrets.json', 'budget.json'], keys: next.keys.keys.length });
      logger.info('reloaded keys and secrets', { budgetFile: next.budget !== undefined });
    };
    const watcher = watchBundle(options.bundleDir, applyReload, (error) => logger.error('config reload failed; keeping the previous keys and secrets', { error: error.message }));
    closers.push(() => watcher.dispose());

    logger.info('runtime listening', { url: http.url, llmProxy: llm.url, simulated: Boolean(simulatedProvider) });
    return {
      url: http.url,
      llmUrl: llm.url,
      spec,
      events,
      budget,
      ...(simulatedProvider ? { simulatedProvider } : {}),
      reload: () => watcher.reload(),
      close: async (graceMs = 10_000) => {
        drainMs = graceMs;
        await close();
      },
    };
  } catch (error) {
    await close();
    throw error;
  }
}

function toPriceOverrides(prices: RuntimeBundle['settings']['prices']): PriceOverrides {
  if (!prices) return {};
  return Object.fromEntries(Object.entries(prices).map(([model, price]) => [model, { input: price.inputPerMillion, output: price.outputPerMillion }]));
}

/** `arguments.timeout_sec` in the Dockfile (seed 004 §5.2.5), in ms. */
function timeoutFromArguments(spec: DockSpec): number | undefined {
  const seconds = (spec.arguments as Record<string, unknown>).timeout_sec;
  return typeof seconds === 'number' && seconds > 0 ? seconds * 1000 : undefined;
}

function startLangfuse(
  spec: DockSpec,
  version: string,
  events: EventBus,
  logger: JsonLogger,
  metrics: ReturnType<typeof createRuntimeMetrics>,
  agentStateDir: string,
): LangfuseExporter | undefined {
  const langfuse = spec.observability.langfuse;
  if (!langfuse?.public_key || !langfuse.secret_key) return undefined;
  const exporter = new LangfuseExporter({
    ...(langfuse.host ? { host: langfuse.host } : {}),
    publicKey: langfuse.public_key,
    secretKey: langfuse.secret_key,
    agent: spec.agent.name,
    version,
    spoolDir: path.join(agentStateDir, 'langfuse-spool'),
    logger,
    metrics,
  });
  exporter.start().catch((error: unknown) => logger.warn('Langfuse spool replay failed at start', { error: error instanceof Error ? error.message : String(error) }));
  const starts = new Map<string, number>();
  events.subscribe((event: TelemetryEvent) => {
    if (!event.traceId) return;
    if (event.type === 'run_start') starts.set(event.traceId, Date.parse(event.time));
    if (event.type !== 'run_end') return;
    const data = event.data as { endpoint?: string; status?: 'ok' | 'error'; error?: string; latencyMs?: number; tokensIn?: number; tokensOut?: number; costUsd?: number; role?: string };
    const endTimeMs = Date.parse(event.time);
    exporter.exportRun({
      traceId: event.traceId,
      endpoint: data.endpoint ?? '/invoke',
      startTimeMs: starts.get(event.traceId) ?? endTimeMs - (data.latencyMs ?? 0),
      endTimeMs,
      status: data.status ?? 'ok',
      ...(data.error ? { errorCode: data.error } : {}),
      ...(data.role ? { role: data.role } : {}),
      inputTokens: data.tokensIn ?? 0,
      outputTokens: data.tokensOut ?? 0,
      costUsd: data.costUsd ?? 0,
    });
    starts.delete(event.traceId);
  });
  return exporter;
}
