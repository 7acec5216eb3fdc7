/**
 * How the agent reaches the proxy, and how the proxy knows it is the agent. The runtime points
 * the agent's SDKs at itself through the environment and gives it a random per-process token in
 * place of a provider key: the SDKs require some key, and the token stops anyone else who can
 * reach the runtime's port from spending the provider key through the proxy.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** A fresh agent token (256 random bits, base64url). */
export function createAgentToken(): string {
  return `agentdock-${randomBytes(32).toString('base64url')}`;
}

/**
 * Environment for the agent process: the SDKs' base URLs and the agent token as their key.
 * OpenAI's base URL includes `/v1`; Anthropic's does not (each SDK's own convention).
 */
export function agentLlmEnvironment(runtimeUrl: string, agentToken: string): Record<string, string> {
  const base = runtimeUrl.replace(/\/+$/, '');
  return {
    OPENAI_BASE_URL: `${base}/v1`,
    ANTHROPIC_BASE_URL: base,
    LLM_API_BASE_URL: `${base}/v1`,
    OPENAI_API_KEY: agentToken,
    ANTHROPIC_API_KEY: agentToken,
  };
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/** Whether the request presents `expected` as `Authorization: Bearer` or `x-api-key`. */
export function presentsAgentToken(req: IncomingMessage, expected: string): boolean {
  const authorization = req.headers.authorization;
  const bearer = typeof authorization === 'string' && /^bearer /i.test(authorization) ? authorization.slice(7).trim() : undefined;
  const apiKey = req.headers['x-api-key'];
  const presented = bearer ?? (typeof apiKey === 'string' ? apiKey : undefined);
  // Digests have equal length (timingSafeEqual needs that), and the comparison has no early exit.
  return presented !== undefined && timingSafeEqual(digest(presented), digest(expected));
}
