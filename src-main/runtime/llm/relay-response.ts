/**
 * Sends the provider's answer to the client and meters it: provider errors pass through with
 * their status and body (not billed: neither provider charges for a failed request); a stream
 * is relayed chunk by chunk through the protocol's stream guard; a whole JSON response is
 * guarded (redaction, tool gate) and re-serialised. Usage is the provider's own count; when it
 * is missing (a cut stream, a compatible server that reports none) it is estimated and flagged.
 */
import type { ServerResponse } from 'node:http';
import type { LlmCallRecord } from '../contracts';
import { anthropicCounters, anthropicUsage, guardAnthropicResponse } from './anthropic-protocol';
import { AnthropicStreamGuard } from './anthropic-stream';
import type { DeniedToolCall, LlmProvider, LlmRequestInfo, MeteredUsage, OutputGuards } from './llm-types';
import { guardOpenAiResponse, openAiUsage } from './openai-protocol';
import { OpenAiStreamGuard } from './openai-stream';
import { sendProxyError } from './proxy-errors';
import { readResponseText } from '../read-body';
import { relayStream } from './relay-stream';
import { estimateTokensFromChars } from './token-estimate';
import { forwardedResponseHeaders } from './upstream-request';

export interface RelayOutcome {
  status: LlmCallRecord['status'];
  usage: MeteredUsage;
  httpStatus: number;
  /** The proxy's own time spent on the response, in ms. */
  processingMs: number;
  denied: readonly DeniedToolCall[];
}

export interface RelayRequest {
  upstream: Response;
  res: ServerResponse;
  provider: LlmProvider;
  info: LlmRequestInfo;
  guards: OutputGuards;
  inputEstimate: number;
  attempts: number;
  clientGone: () => boolean;
  maxResponseBytes: number;
}

const NOTHING: MeteredUsage = { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, estimated: false };

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Relays one upstream response and reports what it cost. */
export async function relayResponse(request: RelayRequest): Promise<RelayOutcome> {
  const { upstream, res, provider } = request;
  const headers = forwardedResponseHeaders(upstream.headers);
  const estimatedInput: MeteredUsage = { ...NOTHING, inputTokens: request.inputEstimate, estimated: true };
  if (upstream.ok && request.info.stream && (upstream.headers.get('content-type') ?? '').includes('text/event-stream')) {
    const guard = provider === 'openai' ? new OpenAiStreamGuard(request.info.clientWantsStreamUsage, request.guards) : new AnthropicStreamGuard(request.guards);
    const relayed = await relayStream(upstream, res, guard, provider, headers, request.clientGone);
    return {
      status: relayed.outcome === 'completed' ? 'ok' : 'aborted',
      usage: guard.usage(request.inputEstimate),
      httpStatus: relayed.outcome === 'client_aborted' ? 499 : upstream.status,
      processingMs: relayed.processingMs,
      denied: guard.denied,
    };
  }
  let text: string;
  try {
    text = await readResponseText(upstream, request.maxResponseBytes);
  } catch (error) {
    if (request.clientGone()) return { status: 'aborted', usage: estimatedInput, httpStatus: 499, processingMs: 0, denied: [] };
    sendProxyError(res, provider, 'UpstreamUnreachable', `the provider's response broke off: ${error instanceof Error ? error.message : String(error)}`);
    return { status: 'error', usage: upstream.ok ? estimatedInput : NOTHING, httpStatus: 502, processingMs: 0, denied: [] };
  }
  const started = performance.now();
  const contentType = upstream.headers.get('content-type') ?? 'application/json';
  if (!upstream.ok) {
    // After the proxy's own retries, the SDK's retries would only multiply the wait.
    const retryHint: Record<string, string> = request.attempts > 1 ? { 'x-should-retry': 'false' } : {};
    res.writeHead(upstream.status, { ...headers, ...retryHint, 'content-type': contentType, 'content-length': Buffer.byteLength(text) });
    res.end(text);
    return { status: 'error', usage: NOTHING, httpStatus: upstream.status, processingMs: performance.now() - started, denied: [] };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  let usage: MeteredUsage = { ...estimatedInput, outputTokens: estimateTokensFromChars(text.length) };
  let denied: DeniedToolCall[] = [];
  let out = text;
  if (isObject(json)) {
    const reported = provider === 'openai' ? openAiUsage(json.usage) : isObject(json.usage) ? anthropicUsage(anthropicCounters(json.usage)) : undefined;
    if (reported) usage = reported;
    // Without policy hooks the provider's bytes go out untouched (no re-serialisation cost).
    if (request.guards.redact || request.guards.authorizeTool) {
      denied = provider === 'openai' ? guardOpenAiResponse(json, request.guards) : guardAnthropicResponse(json, request.guards);
      out = JSON.stringify(json);
    }
  }
  res.writeHead(upstream.status, { ...headers, 'content-type': contentType, 'content-length': Buffer.byteLength(out) });
  res.end(out);
  return { status: 'ok', usage, httpStatus: upstream.status, processingMs: performance.now() - started, denied };
}
