/**
 * The auth module as the HTTP layer's `AuthGate` port (`http/services.ts`): authenticate →
 * authorize → rate limit, each refusal carrying the error name of `http/errors.ts` and the headers
 * the response needs (`WWW-Authenticate` on 401, `Retry-After` on 429). Structural, so this file
 * does not depend on the HTTP module.
 */
import type { Permission, Principal } from '../contracts';
import type { AuthFailure, Authenticator } from './authenticator';
import type { RateDecision, RateLimiter } from './rate-limiter';
import type { HeaderBag } from './request-credentials';

export interface AuthGateRefusal {
  ok: false;
  error: AuthFailure['code'] | 'RateLimited';
  message: string;
  headers?: Record<string, string>;
}

export interface AuthGateImpl {
  /** Pass `request.headersDistinct` so duplicate Authorization headers are seen (and refused). */
  authenticate(headers: HeaderBag): { ok: true; principal: Principal } | AuthGateRefusal;
  authorize(principal: Principal, permission: Permission): { ok: true } | AuthGateRefusal;
  rateLimit(principal: Principal): { ok: true; headers: Record<string, string> } | AuthGateRefusal;
}

const PERIOD_NAMES: Readonly<Record<number, string>> = { 1: 'second', 60: 'minute', 3600: 'hour', 86_400: 'day' };

function refusal(failure: AuthFailure): AuthGateRefusal {
  const result: AuthGateRefusal = { ok: false, error: failure.code, message: failure.message };
  if (failure.challenge) result.headers = { 'www-authenticate': failure.challenge };
  return result;
}

/** Response headers for a rate decision: Retry-After when refused, the remaining allowance otherwise. */
export function rateLimitHeaders(decision: RateDecision): Record<string, string> {
  if (!decision.allowed) return { 'retry-after': String(decision.retryAfterSeconds), 'x-ratelimit-limit': String(decision.limit.limit) };
  if (!decision.limit) return {};
  return { 'x-ratelimit-limit': String(decision.limit.limit), 'x-ratelimit-remaining': String(decision.remaining) };
}

/** Wires an Authenticator and a RateLimiter into the three-step gate the HTTP server calls. */
export function createAuthGate(authenticator: Authenticator, rateLimiter: RateLimiter): AuthGateImpl {
  return {
    authenticate(headers) {
      const result = authenticator.authenticate(headers);
      return result.ok ? result : refusal(result);
    },
    authorize(principal, permission) {
      const result = authenticator.authorize(principal, permission);
      return result.ok ? result : refusal(result);
    },
    rateLimit(principal) {
      const decision = rateLimiter.check(principal);
      if (decision.allowed) return { ok: true, headers: rateLimitHeaders(decision) };
      const { limit, periodSeconds } = decision.limit;
      return {
        ok: false,
        error: 'RateLimited',
        message: `role '${principal.role}' is limited to ${limit} requests per ${PERIOD_NAMES[periodSeconds] ?? `${periodSeconds} s`}; retry in ${decision.retryAfterSeconds} s`,
        headers: rateLimitHeaders(decision),
      };
    },
  };
}
