/**
 * A simulated LLM provider: a real HTTP server speaking OpenAI `/v1/chat/completions` and
 * Anthropic `/v1/messages` (whole and streamed, with usage and tool calls), for tests, benchmarks
 * and the offline demo. Answers are deterministic from the seed and the request (see
 * simulated-text.ts for the tokenizer); latency, answer length, rate limits and failures are
 * configurable. Every response carries `x-agentdock-simulated: true`, so the proxy always
 * reports these calls as simulated.
 *
 * It checks credentials the way the real APIs do (Bearer for OpenAI; `x-api-key` or Bearer, and
 * `anthropic-version`, for Anthropic) and, given `expectedKeys`, rejects any other key with 401:
 * that is how tests prove the proxy sends the real, current key and never the agent's. The log
 * keeps a SHA-256 fingerprint of each key, never the key.
 */
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { anthropicErrorBody } from './anthropic-protocol';
import type { LlmProvider } from './llm-types';
import { openAiErrorBody } from './openai-protocol';
import { countSimulatedTokens, generateText, requestSeed, seededRandom, simulatedInputTokens } from './simulated-text';
import { anthropicMessage, anthropicStreamEvents, openAiCompletion, openAiStreamEvents } from './simulated-wire';
import type { PacedEvent, SimulatedAnswer } from './simulated-wire';

export interface SimulatedRequest {
  provider: LlmProvider;
  model: string;
  body: Readonly<Record<string, unknown>>;
  /** 1-based order of arrival. */
  number: number;
  /** Input tokens of the request, and those of them the prompt cache serves (a script can price its answer). */
  inputTokens: number;
  cachedInputTokens: number;
}

/** A scripted answer; fields left out are generated. */
export interface SimulatedReply {
  text?: string;
  toolCalls?: Array<{ name: string; arguments: Record<string, unknown> }>;
}

export interface SimulatedProviderOptions {
  seed?: number;
  /** Before the first byte, and between streamed tokens (a whole response waits for all of them). */
  latencyMs?: number | { first: number; perToken: number };
  /** Generated answer length in tokens (capped by the request's max tokens). Default 8–48. */
  outputTokens?: number | { min: number; max: number };
  failures?: {
    /** Fraction of requests that fail, drawn from the seed. */
    rate?: number;
    /** Status of an injected failure. Default 503. */
    status?: number;
    /** 1-based request numbers that fail. */
    onRequests?: number[];
    /** Sent as `retry-after-ms` / `Retry-After` with injected failures. */
    retryAfterMs?: number;
    /** 1-based request numbers whose stream breaks off halfway (the socket is destroyed). */
    breakStreamOnRequests?: number[];
  };
  rateLimit?: { requestsPerMinute: number };
  script?: (request: SimulatedRequest) => SimulatedReply | undefined;
  /** When set, only these keys are accepted (401 otherwise). Read per request; a list accepts each (a key being rotated). */
  expectedKeys?: () => { openai?: string | readonly string[]; anthropic?: string | readonly string[] };
  /**
   * OpenAI-style automatic prompt caching: a request whose first message was seen before, for the
   * same model, reports that message's tokens as cached (`prompt_tokens_details.cached_tokens`),
   * in 128-token steps from 1,024 tokens, as OpenAI does for repeated prompt prefixes.
   */
  promptCache?: boolean;
  /** Clock for the rate-limit window, in ms. */
  now?: () => number;
  host?: string;
  port?: number;
}

export interface SimulatedRequestLog {
  number: number;
  provider: LlmProvider;
  model: string;
  stream: boolean;
  status: number;
  /** First 12 hex digits of SHA-256 of the key presented. */
  keyFingerprint?: string;
  inputTokens: number;
  /** Of `inputTokens`, those the prompt cache served. */
  cachedInputTokens: number;
  outputTokens: number;
  retryAfterMs?: number;
}

export interface SimulatedProvider {
  /** Serves both `/v1/chat/completions` and `/v1/messages`. */
  url: string;
  /** `url` + `/v1`, the OpenAI SDK's base-URL convention. */
  openaiBaseUrl: string;
  /** `url`, the Anthropic SDK's base-URL convention. */
  anthropicBaseUrl: string;
  readonly requests: number;
  readonly log: readonly SimulatedRequestLog[];
  close(): Promise<void>;
}

/** First 12 hex digits of SHA-256 of a key, to tell keys apart without keeping them. */
export function keyFingerprint(key: string): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 12);
}

const SIMULATED_HEADER = { 'x-agentdock-simulated': 'true' };
/** OpenAI caches prompt prefixes from 1,024 tokens, in 128-token increments. */
const PROMPT_CACHE_MIN_TOKENS = 1024;
const PROMPT_CACHE_STEP_TOKENS = 128;

/** Starts the simulated provider; resolves once it listens. */
export async function startSimulatedProvider(options: SimulatedProviderOptions = {}): Promise<SimulatedProvider> {
  const seed = options.seed ?? 1;
  const latency = typeof options.latencyMs === 'number' ? { first: options.latencyMs, perToken: 0 } : (options.latencyMs ?? { first: 0, perToken: 0 });
  const lengths = typeof options.outputTokens === 'number' ? { min: options.outputTokens, max: options.outputTokens } : (options.outputTokens ?? { min: 8, max: 48 });
  const now = options.now ?? Date.now;
  const failureRandom = seededRandom(seed ^ 0x5eed);
  const window: number[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const log: SimulatedRequestLog[] = [];
  let requests = 0;

  const delay = (ms: number): Promise<void> =>
    ms <= 0
      ? Promise.resolve()
      : new Promise((resolve) => {
          const timer = setTimeout(() => {
            timers.delete(timer);
            resolve();
          }, ms);
          timers.add(timer);
        });

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = new URL(req.url ?? '/', 'http://simulator.invalid').pathname;
    const provider: LlmProvider | undefined = path === '/v1/chat/completions' ? 'openai' : path === '/v1/messages' ? 'anthropic' : undefined;
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const number = (requests += 1);
    const entry: SimulatedRequestLog = { number, provider: provider ?? 'openai', model: '', stream: false, status: 200, inputTokens: 0, cachedInputTokens: 0, outputTokens: 0 };
    log.push(entry);
    const fail = (status: number, type: string, message: string, headers: Record<string, string> = {}): void => {
      entry.status = status;
      const body = JSON.stringify(entry.provider === 'openai' ? openAiErrorBody(message, type, null) : anthropicErrorBody(message, type));
      res.writeHead(status, { ...SIMULATED_HEADER, ...headers, 'content-type': 'application/json' });
      res.end(body);
    };
    if (!provider || req.method !== 'POST') return fail(404, 'not_found_error', `no route for ${req.method} ${path}`);
    // Anthropic takes `x-api-key`; its newer SDKs send the key as a Bearer token, which it also accepts.
    const bearer = /^Bearer (.+)$/i.exec(req.headers.authorization ?? '')?.[1];
    const key = provider === 'openai' ? bearer : (req.headers['x-api-key'] ?? bearer);
    if (typeof key !== 'string' || key === '') return fail(401, 'authentication_error', 'no API key was sent');
    entry.keyFingerprint = keyFingerprint(key);
    const expected = options.expectedKeys?.()[provider];
    if (options.expectedKeys && !(typeof expected === 'string' ? [expected] : (expected ?? [])).includes(key)) return fail(401, 'authentication_error', 'invalid API key');
    if (provider === 'anthropic' && typeof req.headers['anthropic-version'] !== 'string') return fail(400, 'invalid_request_error', 'anthropic-version header is required');
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
    } catch {
      return fail(400, 'invalid_request_error', 'the body is not JSON');
    }
    if (typeof body.model !== 'string' || !Array.isArray(body.messages)) return fail(400, 'invalid_request_error', 'model and messages are required');
    if (provider === 'anthropic' && typeof body.max_tokens !== 'number') return fail(400, 'invalid_request_error', 'max_tokens: Field required');
    entry.model = body.model;
    entry.stream = body.stream === true;

    if (options.rateLimit) {
      const at = now();
      while (window.length > 0 && (window[0] ?? 0) <= at - 60_000) window.shift();
      if (window.length >= options.rateLimit.requestsPerMinute) {
        const waitMs = (window[0] ?? at) + 60_000 - at;
        entry.retryAfterMs = waitMs;
        return fail(429, provider === 'openai' ? 'rate_limit_exceeded' : 'rate_limit_error', 'simulated rate limit reached', {
          'retry-after-ms': String(waitMs),
          'retry-after': String(Math.ceil(waitMs / 1000)),
        });
      }
      window.push(at);
    }
    const failures = options.failures;
    if (failures && (failures.onRequests?.includes(number) || failureRandom() < (failures.rate ?? 0))) {
      const retryHeaders: Record<string, string> = {};
      if (failures.retryAfterMs !== undefined) {
        entry.retryAfterMs = failures.retryAfterMs;
        retryHeaders['retry-after-ms'] = String(failures.retryAfterMs);
        retryHeaders['retry-after'] = String(Math.ceil(failures.retryAfterMs / 1000));
      }
      return fail(failures.status ?? 503, provider === 'openai' ? 'server_error' : 'overloaded_error', 'simulated provider failure', retryHeaders);
    }

    const answer = buildAnswer(provider, body, number);
    entry.inputTokens = answer.inputTokens;
    entry.cachedInputTokens = answer.cachedInputTokens;
    entry.outputTokens = answer.outputTokens;
    await delay(latency.first);
    if (res.destroyed) return;
    if (body.stream !== true) {
      await delay(latency.perToken * answer.outputTokens);
      const json = JSON.stringify(provider === 'openai' ? openAiCompletion(answer) : anthropicMessage(answer));
      res.writeHead(200, { ...SIMULATED_HEADER, 'content-type': 'application/json', 'content-length': Buffer.byteLength(json) });
      res.end(json);
      return;
    }
    const includeUsage = (body.stream_options as { include_usage?: unknown } | undefined)?.include_usage === true;
    const events: PacedEvent[] = provider === 'openai' ? openAiStreamEvents(answer, includeUsage) : anthropicStreamEvents(answer);
    const breakAt = failures?.breakStreamOnRequests?.includes(number) ? Math.floor(events.length / 2) : -1;
    res.writeHead(200, { ...SIMULATED_HEADER, 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
    res.flushHeaders();
    for (const [index, event] of events.entries()) {
      if (index === breakAt) {
        // Let what was written reach the client first, then cut the connection mid-body.
        await new Promise<void>((resolve) => res.write('', () => resolve()));
        res.destroy();
        return;
      }
      if (event.tokens) await delay(latency.perToken);
      if (res.destroyed) return;
      res.write(event.text);
    }
    res.end();
  };

  const buildAnswer = (provider: LlmProvider, body: Record<string, unknown>, number: number): SimulatedAnswer => {
    const model = String(body.model);
    const random = seededRandom(requestSeed(seed, provider, body));
    const inputTokens = simulatedInputTokens(body);
    const cachedInputTokens = provider === 'openai' && options.promptCache ? Math.min(inputTokens, cachedPrefixTokens(model, body)) : 0;
    const reply = options.script?.({ provider, model, body, number, inputTokens, cachedInputTokens }) ?? {};
    const cap = provider === 'openai' ? positive(body.max_completion_tokens) ?? positive(body.max_tokens) : positive(body.max_tokens);
    let text = reply.text;
    let truncated = false;
    if (text === undefined && reply.toolCalls === undefined) {
      const wanted = lengths.min + Math.floor(random() * (lengths.max - lengths.min + 1));
      truncated = cap !== undefined && wanted > cap;
      text = generateText(truncated && cap !== undefined ? cap : wanted, random);
    }
    const hex = Math.floor(random() * 0xffffffff).toString(16).padStart(8, '0');
    const toolCalls = (reply.toolCalls ?? []).map((call, index) => ({
      id: `${provider === 'openai' ? 'call' : 'toolu'}_sim_${hex}${index}`,
      name: call.name,
      arguments: JSON.stringify(call.arguments),
    }));
    const outputTokens = countSimulatedTokens(text ?? '') + toolCalls.reduce((sum, call) => sum + countSimulatedTokens(call.name) + countSimulatedTokens(call.arguments), 0);
    return {
      id: provider === 'openai' ? `chatcmpl-sim-${hex}` : `msg_sim_${hex}`,
      model,
      created: Math.floor(Date.now() / 1000),
      text: text ?? '',
      toolCalls,
      inputTokens,
      cachedInputTokens,
      outputTokens,
      truncated,
    };
  };

  const seenPrefixes = new Set<string>();
  /** Tokens of the first message if this model saw it before (then remembered either way). */
  const cachedPrefixTokens = (model: string, body: Readonly<Record<string, unknown>>): number => {
    const first = (body.messages as unknown[])[0];
    const content = typeof first === 'object' && first !== null ? (first as { content?: unknown }).content : undefined;
    if (typeof content !== 'string') return 0;
    const tokens = countSimulatedTokens(content);
    if (tokens < PROMPT_CACHE_MIN_TOKENS) return 0;
    const key = `${model}\u0000${createHash('sha256').update(content).digest('hex')}`;
    const seen = seenPrefixes.has(key);
    seenPrefixes.add(key);
    return seen ? tokens - (tokens % PROMPT_CACHE_STEP_TOKENS) : 0;
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500, SIMULATED_HEADER);
      res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;
  return {
    url,
    openaiBaseUrl: `${url}/v1`,
    anthropicBaseUrl: url,
    get requests() {
      return requests;
    },
    log,
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

function positive(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : undefined;
}
