/**
 * The runtime's LLM proxy: the agent's OpenAI- and Anthropic-compatible endpoint. The agent's
 * SDKs point at the runtime (see `agentLlmEnvironment`) and never hold the provider key; the
 * proxy checks the runtime-issued agent token, prices the model, reserves the call's worst-case
 * cost against the budget, forwards with the real key (retrying transient failures), relays the
 * answer — streams chunk by chunk — with output redaction and the tool gate applied, meters the
 * provider's own usage, reconciles the budget and reports the call (`llm_call`, metrics, ledger).
 *
 * Status codes the proxy itself answers with (bodies in the calling provider's error format, see
 * proxy-errors.ts): 400 bad body or unknown model price, 401 wrong agent token, 402 budget,
 * 405 not POST, 413 body too large, 500 provider key missing, 502 provider unreachable. Provider
 * errors are passed through with their status and body.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { costPicoUsd, costUsd, lookupPrice, picoToUsd } from '../../../src-shared/pricing/price-table';
import type { ModelPrice, PriceMatch, PriceOverrides } from '../../../src-shared/pricing/price-table';
import type { EventSink, LlmCallRecord, Metrics, ToolDecision } from '../contracts';
import { TRACE_HEADER } from '../contracts';
import { presentsAgentToken } from './agent-access';
import { parseAnthropicRequest } from './anthropic-protocol';
import type { Budget, Reservation } from './budget';
import { bufferedStreamRedactor } from './buffered-stream-redactor';
import { CostLedger } from './cost-ledger';
import type { DeniedToolCall, LlmProvider, LlmRequestInfo, MeteredUsage, OutputGuards, StreamRedactor } from './llm-types';
import { openAiUpstreamBody, parseOpenAiRequest } from './openai-protocol';
import { sendProxyError } from './proxy-errors';
import type { ProxyErrorCode } from './proxy-errors';
import { BodyTooLargeError, readRequestBody } from '../read-body';
import { METRIC } from '../telemetry/metric-names';
import { relayResponse } from './relay-response';
import { estimateInputTokens } from './token-estimate';
import { abortableSleep, DEFAULT_RETRY_POLICY, fetchWithRetry } from './upstream';
import type { RetryPolicy } from './upstream';
import { upstreamHeaders, upstreamUrl } from './upstream-request';
import type { ProviderEndpoints } from './upstream-request';

export type LlmPath = '/v1/chat/completions' | '/v1/messages';

export interface LlmProxyOptions {
  /** `simulated`: the endpoints are the simulated provider; real keys are never sent there. */
  provider: ProviderEndpoints & { mode: 'forward' | 'simulated' };
  /** Read on every request, so a rotated key applies to the next call. */
  providerKeys: () => { openai?: string; anthropic?: string };
  /**
   * The key the agent must present (as its OPENAI_API_KEY / ANTHROPIC_API_KEY), so the runtime's
   * public port does not hand the provider key to anyone who finds it. null disables the check:
   * only when the mounting server already restricts who can reach the proxy.
   */
  agentToken: string | null;
  budget: Budget;
  /** USD per 1M tokens by model id; win over the bundled table. A function is read per request. */
  prices?: PriceOverrides | (() => PriceOverrides);
  events: EventSink;
  metrics: Metrics;
  /** Redacts model output text (policy engine). */
  redactOutput?: (text: string, traceId: string | undefined) => string;
  /** A streaming redactor for one streamed text; without it, `redactOutput` is wrapped with a hold-back buffer. */
  createOutputRedactor?: (traceId: string | undefined) => StreamRedactor;
  /** Decides each tool call the model makes (policy engine). */
  authorizeTool?: (name: string, traceId: string | undefined) => ToolDecision;
  fetchImpl?: typeof fetch;
  retry?: Partial<RetryPolicy>;
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  random?: () => number;
  /** Agent request body cap; images make these large. Default 16 MiB. */
  maxRequestBytes?: number;
  /** Non-streamed provider response cap. Default 32 MiB. */
  maxResponseBytes?: number;
  /** Input tokens of a request for the worst-case reservation; default chars/4 (token-estimate.ts). */
  estimateInputTokens?: (body: Readonly<Record<string, unknown>>, provider: LlmProvider) => number;
  /** Output cap assumed for the worst case when neither the request nor the price sets one. */
  defaultMaxOutputTokens?: number;
  /** How to add a price, for the unknown-model error (names the runtime setting). */
  priceHint?: string;
}

const SIMULATED_KEY = 'agentdock-simulated';
const PROVIDER_NAME: Record<LlmProvider, string> = { openai: 'OpenAI', anthropic: 'Anthropic' };
/** A trace id is echoed into events and logs: keep it to a plain token. */
const TRACE_ID = /^[\w.:-]{1,128}$/;

/** What one proxied call cost, for the record, the ledger and the metrics. */
interface CallOutcome {
  status: LlmCallRecord['status'];
  usage: MeteredUsage;
  httpStatus: number;
  attempts: number;
  simulated: boolean;
  overheadMs: number;
  denied: readonly DeniedToolCall[];
}

/** The OpenAI/Anthropic-compatible proxy; mount `handle` on the two paths. */
export class LlmProxy {
  /** Cost per agent, model and run. */
  readonly ledger = new CostLedger();
  private readonly retry: RetryPolicy;

  constructor(private readonly options: LlmProxyOptions) {
    this.retry = { ...DEFAULT_RETRY_POLICY, ...options.retry };
  }

  /** Serves one agent request to `/v1/chat/completions` (OpenAI) or `/v1/messages` (Anthropic). */
  async handle(req: IncomingMessage, res: ServerResponse, path: LlmPath): Promise<void> {
    const startedAt = performance.now();
    const provider: LlmProvider = path === '/v1/messages' ? 'anthropic' : 'openai';
    const reject = (code: ProxyErrorCode, message: string, model = 'unknown'): void => {
      this.options.metrics.increment('agentdock_llm_requests_total', { model, status: 'rejected' });
      sendProxyError(res, provider, code, message);
    };
    if (req.method !== 'POST') return reject('MethodNotAllowed', `${path} accepts POST only, not ${req.method}`);
    if (this.options.agentToken !== null && !presentsAgentToken(req, this.options.agentToken)) {
      return reject('ProxyAuth', 'the LLM proxy needs the runtime-issued agent key (Authorization: Bearer or x-api-key); the agent gets it as OPENAI_API_KEY / ANTHROPIC_API_KEY');
    }
    let body: Record<string, unknown>;
    try {
      const parsed: unknown = JSON.parse((await readRequestBody(req, this.options.maxRequestBytes ?? 16 * 1024 * 1024)).toString('utf8'));
      body = typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
    } catch (error) {
      if (error instanceof BodyTooLargeError) return reject('BodyTooLarge', error.message);
      if (error instanceof SyntaxError) return reject('BadRequest', `the request body is not JSON: ${error.message}`);
      return; // the client went away while sending
    }
    const info = provider === 'openai' ? parseOpenAiRequest(body) : parseAnthropicRequest(body);
    if ('error' in info) return reject('BadRequest', info.error);
    const match = lookupPrice(info.model, this.prices());
    if (!match) {
      const hint = this.options.priceHint ?? `add it to the runtime's price overrides as "prices": {"${info.model}": {"input": <USD per 1M input tokens>, "output": <USD per 1M output tokens>}}`;
      // Labelled 'unknown', not the id: the agent picks ids, and metric label sets must stay bounded.
      return reject('UnknownModelPrice', `no price is known for model "${info.model}", and every call is metered against the budget: ${hint}`);
    }
    const key = this.options.provider.mode === 'simulated' ? SIMULATED_KEY : this.options.providerKeys()[provider];
    if (!key) return reject('ProviderKeyMissing', `no ${PROVIDER_NAME[provider]} API key is configured for this runtime: add it to the config bundle's secrets`, match.key);
    const rawTrace = req.headers[TRACE_HEADER];
    const traceId = typeof rawTrace === 'string' && TRACE_ID.test(rawTrace) ? rawTrace : undefined;
    const inputEstimate = this.options.estimateInputTokens?.(body, provider) ?? estimateInputTokens(body);
    const outputCap = info.maxOutputTokens ?? match.price.maxOutputTokens ?? this.options.defaultMaxOutputTokens ?? 4_096;
    const reservation = this.options.budget.reserve(worstCaseUsd(match.price, inputEstimate, outputCap * info.choices), traceId);
    if ('exceeded' in reservation) {
      const advice = info.maxOutputTokens === undefined ? `; the reservation assumes ${outputCap} output tokens, the model's maximum — set max_tokens to reserve less` : '';
      return reject('BudgetExceeded', `${reservation.message}${advice}; raise the budget to continue`, match.key);
    }
    let settled = false;
    try {
      const outcome = await this.forward({ req, res, provider, body, info, key, traceId, inputEstimate, startedAt });
      this.account({ provider, info, match, traceId, outcome, reservation, latencyMs: performance.now() - startedAt });
      settled = true;
    } finally {
      if (!settled) this.options.budget.release(reservation);
    }
  }

  private async forward(call: {
    req: IncomingMessage;
    res: ServerResponse;
    provider: LlmProvider;
    body: Record<string, unknown>;
    info: LlmRequestInfo;
    key: string;
    traceId: string | undefined;
    inputEstimate: number;
    startedAt: number;
  }): Promise<CallOutcome> {
    const { res, provider, info, traceId, inputEstimate } = call;
    const controller = new AbortController();
    let clientGone = false;
    const onClose = (): void => {
      if (res.writableFinished) return;
      clientGone = true;
      controller.abort(new Error('the client disconnected'));
    };
    res.on('close', onClose);
    const mode = this.options.provider.mode;
    const estimatedInput: MeteredUsage = { inputTokens: inputEstimate, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, estimated: true };
    const base = { attempts: 0, simulated: mode === 'simulated', denied: [] as DeniedToolCall[] };
    try {
      const upstreamBody = JSON.stringify(provider === 'openai' ? openAiUpstreamBody(call.body, info) : call.body);
      const overheadBefore = performance.now() - call.startedAt;
      let result;
      try {
        result = await fetchWithRetry(
          upstreamUrl(provider, this.options.provider),
          { method: 'POST', headers: upstreamHeaders(provider, call.req.headers, call.key), body: upstreamBody, signal: controller.signal },
          { fetchImpl: this.options.fetchImpl ?? fetch, retry: this.retry, sleep: this.options.sleep ?? abortableSleep, random: this.options.random ?? Math.random },
        );
      } catch {
        // The client left while the request was in flight: the provider may have read the prompt.
        return { ...base, status: 'aborted', usage: estimatedInput, httpStatus: 499, overheadMs: overheadBefore };
      }
      if (!result.ok) {
        const where = new URL(upstreamUrl(provider, this.options.provider)).host;
        sendProxyError(res, provider, 'UpstreamUnreachable', `could not reach ${PROVIDER_NAME[provider]} at ${where} after ${result.attempts} attempt(s): ${result.error.message}`);
        return { ...base, attempts: result.attempts, status: 'error', usage: { ...estimatedInput, inputTokens: 0 }, httpStatus: 502, overheadMs: overheadBefore };
      }
      const relayed = await relayResponse({
        upstream: result.response,
        res,
        provider,
        info,
        guards: this.guardsFor(traceId),
        inputEstimate,
        attempts: result.attempts,
        clientGone: () => clientGone,
        maxResponseBytes: this.options.maxResponseBytes ?? 32 * 1024 * 1024,
      });
      return {
        ...relayed,
        attempts: result.attempts,
        simulated: mode === 'simulated' || result.response.headers.get('x-agentdock-simulated') === 'true',
        overheadMs: overheadBefore + relayed.processingMs,
      };
    } finally {
      res.off('close', onClose);
    }
  }

  /** Prices a finished call, settles its reservation and reports it. */
  private account(call: { provider: LlmProvider; info: LlmRequestInfo; match: PriceMatch; traceId: string | undefined; outcome: CallOutcome; reservation: Reservation; latencyMs: number }): void {
    const { outcome, match } = call;
    const costPico = costPicoUsd(outcome.usage, match.price);
    const cost = picoToUsd(costPico);
    this.options.budget.reconcile(call.reservation, cost);
    const record: LlmCallRecord = {
      provider: call.provider,
      model: call.info.model,
      usage: { inputTokens: outcome.usage.inputTokens, outputTokens: outcome.usage.outputTokens },
      costUsd: cost,
      latencyMs: call.latencyMs,
      stream: call.info.stream,
      simulated: outcome.simulated,
      status: outcome.status,
    };
    if (call.traceId !== undefined) record.traceId = call.traceId;
    this.ledger.add(record, costPico, match.key);
    this.options.events.emit(
      'llm_call',
      {
        ...record,
        priceKey: match.key,
        cacheReadTokens: outcome.usage.cacheReadTokens,
        cacheWriteTokens: outcome.usage.cacheWriteTokens,
        estimated: outcome.usage.estimated,
        httpStatus: outcome.httpStatus,
        attempts: outcome.attempts,
        overheadMs: outcome.overheadMs,
        deniedTools: outcome.denied.map((denied) => denied.name),
      },
      call.traceId,
    );
    // Labelled by the matched price key, not the raw id: the agent chooses the id, and dated
    // variants must not grow the metric's label set without bound.
    const model = match.key;
    const metrics = this.options.metrics;
    metrics.increment(METRIC.llmRequests, { model, status: outcome.status });
    metrics.increment(METRIC.llmTokens, { direction: 'input', model }, outcome.usage.inputTokens);
    metrics.increment(METRIC.llmTokens, { direction: 'output', model }, outcome.usage.outputTokens);
    metrics.increment(METRIC.llmCost, { model }, cost);
    metrics.observe(METRIC.llmRequestDuration, call.latencyMs / 1000, { model });
    metrics.observe(METRIC.llmProxyOverhead, outcome.overheadMs / 1000);
    const budget = this.options.budget.snapshot();
    metrics.set(METRIC.budgetSpent, budget.spentUsd);
    if (budget.limitUsd !== null) metrics.set(METRIC.budgetLimit, budget.limitUsd);
  }

  private prices(): PriceOverrides {
    const prices = this.options.prices;
    return typeof prices === 'function' ? prices() : (prices ?? {});
  }

  private guardsFor(traceId: string | undefined): OutputGuards {
    const { redactOutput, createOutputRedactor, authorizeTool, events } = this.options;
    const guards: OutputGuards = {};
    if (redactOutput) guards.redact = (text) => redactOutput(text, traceId);
    if (createOutputRedactor) guards.createStreamRedactor = () => createOutputRedactor(traceId);
    else if (redactOutput) guards.createStreamRedactor = () => bufferedStreamRedactor((text) => redactOutput(text, traceId));
    if (authorizeTool) {
      guards.authorizeTool = (name) => {
        const started = performance.now();
        const decision = authorizeTool(name, traceId);
        if (!decision.allow) {
          events.emit('policy', { stage: 'llm_output', rule: 'tool_gate', action: 'denied', count: 1, durationMs: performance.now() - started, tool: name, reason: decision.reason }, traceId);
        }
        return decision;
      };
    }
    return guards;
  }
}

/**
 * The most a call can cost: the estimated prompt at the dearer of the input and cache-write
 * rates (a call may write its whole prompt to the cache), plus every output token it may produce.
 */
export function worstCaseUsd(price: ModelPrice, inputTokens: number, outputTokens: number): number {
  const writeDearer = (price.cacheWrite ?? 0) > price.input;
  return costUsd({ inputTokens, outputTokens, cacheWriteTokens: writeDearer ? inputTokens : 0 }, price);
}
