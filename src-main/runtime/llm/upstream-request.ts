/**
 * What the proxy sends the provider and what it passes back. The agent's own credentials
 * (`authorization`, `x-api-key`), cookies and every other header are dropped — only a short
 * allowlist that changes the API's behaviour goes through — and the runtime's real key is set:
 * `Authorization: Bearer` for OpenAI, `x-api-key` plus `anthropic-version` for Anthropic.
 *
 * Base URLs follow the SDKs' conventions: the OpenAI one includes `/v1`
 * (`https://api.openai.com/v1`), the Anthropic one does not (`https://api.anthropic.com`).
 */
import type { IncomingHttpHeaders } from 'node:http';
import { DEFAULT_ANTHROPIC_VERSION } from './anthropic-protocol';
import type { LlmProvider } from './llm-types';

export interface ProviderEndpoints {
  openaiBaseUrl: string;
  anthropicBaseUrl: string;
}

/** Request headers forwarded from the agent: API version and feature flags, nothing else. */
const FORWARDED_REQUEST_HEADERS = ['anthropic-version', 'anthropic-beta', 'openai-beta', 'user-agent'];

/** Response headers passed back: request ids for support tickets, rate-limit state, the simulation mark. */
const FORWARDED_RESPONSE_HEADER = /^(?:x-request-id|request-id|openai-processing-ms|retry-after|retry-after-ms|x-ratelimit-[\w-]+|anthropic-ratelimit-[\w-]+|x-agentdock-simulated)$/;

/** The provider URL for a proxied path. */
export function upstreamUrl(provider: LlmProvider, endpoints: ProviderEndpoints): string {
  if (provider === 'openai') return `${endpoints.openaiBaseUrl.replace(/\/+$/, '')}/chat/completions`;
  return `${endpoints.anthropicBaseUrl.replace(/\/+$/, '').replace(/\/v1$/, '')}/v1/messages`;
}

/** Headers for the upstream request, carrying `key` and none of the agent's credentials. */
export function upstreamHeaders(provider: LlmProvider, incoming: IncomingHttpHeaders, key: string): Record<string, string> {
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
  for (const name of FORWARDED_REQUEST_HEADERS) {
    const value = incoming[name];
    if (typeof value === 'string' && value !== '') headers[name] = value;
  }
  if (provider === 'openai') {
    headers.authorization = `Bearer ${key}`;
  } else {
    headers['x-api-key'] = key;
    headers['anthropic-version'] ??= DEFAULT_ANTHROPIC_VERSION;
  }
  return headers;
}

/** The upstream response headers the client gets. */
export function forwardedResponseHeaders(headers: Headers): Record<string, string> {
  const forwarded: Record<string, string> = {};
  headers.forEach((value, name) => {
    if (FORWARDED_RESPONSE_HEADER.test(name)) forwarded[name] = value;
  });
  return forwarded;
}
