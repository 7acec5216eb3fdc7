/**
 * Errors the proxy itself raises, written in the calling provider's own error format so the
 * agent's SDK surfaces the message as it would a provider error (OpenAI: `APIError.message`,
 * `.type`, `.code`; Anthropic: `APIError.message`, `.error.type`). Every one carries
 * `x-should-retry: false`, which both SDKs obey: retrying a refused budget or an unknown model
 * only burns time. `x-agentdock-error` names the runtime's code for logs and tests.
 */
import type { ServerResponse } from 'node:http';
import { anthropicErrorBody } from './anthropic-protocol';
import type { LlmProvider } from './llm-types';
import { openAiErrorBody } from './openai-protocol';
import { formatSse } from './sse';

export type ProxyErrorCode =
  | 'BadRequest'
  | 'BodyTooLarge'
  | 'MethodNotAllowed'
  | 'ProxyAuth'
  | 'UnknownModelPrice'
  | 'BudgetExceeded'
  | 'ProviderKeyMissing'
  | 'UpstreamUnreachable'
  | 'UpstreamStreamFailed';

/** Status, OpenAI `type`/`code`, Anthropic `error.type` per code. */
const ERRORS: Record<ProxyErrorCode, { status: number; openAiType: string; openAiCode: string | null; anthropicType: string }> = {
  BadRequest: { status: 400, openAiType: 'invalid_request_error', openAiCode: null, anthropicType: 'invalid_request_error' },
  BodyTooLarge: { status: 413, openAiType: 'invalid_request_error', openAiCode: 'request_too_large', anthropicType: 'request_too_large' },
  MethodNotAllowed: { status: 405, openAiType: 'invalid_request_error', openAiCode: 'method_not_allowed', anthropicType: 'invalid_request_error' },
  ProxyAuth: { status: 401, openAiType: 'invalid_request_error', openAiCode: 'invalid_api_key', anthropicType: 'authentication_error' },
  UnknownModelPrice: { status: 400, openAiType: 'invalid_request_error', openAiCode: 'model_price_unknown', anthropicType: 'invalid_request_error' },
  // 402, not 429: SDKs and agent frameworks retry 429 as a rate limit, and a spent budget does not recover by waiting.
  BudgetExceeded: { status: 402, openAiType: 'budget_exceeded', openAiCode: 'budget_exceeded', anthropicType: 'budget_exceeded_error' },
  ProviderKeyMissing: { status: 500, openAiType: 'server_error', openAiCode: 'provider_key_missing', anthropicType: 'api_error' },
  UpstreamUnreachable: { status: 502, openAiType: 'server_error', openAiCode: 'upstream_unreachable', anthropicType: 'api_error' },
  UpstreamStreamFailed: { status: 502, openAiType: 'server_error', openAiCode: 'upstream_stream_failed', anthropicType: 'api_error' },
};

/** The HTTP status the proxy answers `code` with. */
export function proxyErrorStatus(code: ProxyErrorCode): number {
  return ERRORS[code].status;
}

/** The error body for `code` in `provider`'s format. */
export function proxyErrorBody(provider: LlmProvider, code: ProxyErrorCode, message: string): Record<string, unknown> {
  const spec = ERRORS[code];
  return provider === 'openai' ? openAiErrorBody(message, spec.openAiType, spec.openAiCode) : anthropicErrorBody(message, spec.anthropicType);
}

/** Answers the request with a proxy error. */
export function sendProxyError(res: ServerResponse, provider: LlmProvider, code: ProxyErrorCode, message: string): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  const body = JSON.stringify(proxyErrorBody(provider, code, message));
  res.writeHead(ERRORS[code].status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
    'x-should-retry': 'false',
    'x-agentdock-error': code,
  });
  res.end(body);
}

/**
 * The last event of a stream the upstream broke off. Both SDKs turn it into a thrown APIError:
 * OpenAI's on any `data` with an `error` field, Anthropic's on `event: error`.
 */
export function streamErrorEvent(provider: LlmProvider, message: string): string {
  const body = proxyErrorBody(provider, 'UpstreamStreamFailed', message);
  return provider === 'openai' ? formatSse(JSON.stringify(body)) : formatSse(JSON.stringify(body), 'error');
}
