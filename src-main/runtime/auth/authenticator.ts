/**
 * The auth middleware's two questions (seed 004 §5.3.6): who is calling (authenticate), and may
 * they call this endpoint (authorize). Results are values with the status and code of §5.3.9;
 * neither method throws, whatever the headers.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Permission, Principal } from '../contracts';
import { checkApiKey } from './api-keys';
import type { AuthSnapshot } from './auth-snapshot';
import { verifyJwt } from './jwt';
import { extractCredentials } from './request-credentials';
import type { HeaderBag } from './request-credentials';

export type AuthFailureCode = 'Unauthorized' | 'Forbidden' | 'TokenExpired' | 'KeyRevoked';

export interface AuthFailure {
  ok: false;
  /** 401 missing or invalid credential, 403 not allowed, 498 expired token or key, 499 revoked key. */
  status: 401 | 403 | 498 | 499;
  code: AuthFailureCode;
  /** One line for a person; never contains the credential. */
  message: string;
  /** For 401: the `WWW-Authenticate` value to send (RFC 6750 §3), when bearer tokens are accepted. */
  challenge?: string;
}

export type AuthResult = { ok: true; principal: Principal } | AuthFailure;
export type AuthorizeResult = { ok: true } | AuthFailure;

/** Longest `sub` accepted; it becomes a rate-limit key and a log field. */
const MAX_SUBJECT_LENGTH = 256;

function unauthorized(snapshot: AuthSnapshot, message: string, tokenError = false): AuthFailure {
  const failure: AuthFailure = { ok: false, status: 401, code: 'Unauthorized', message };
  if (snapshot.acceptsBearer) failure.challenge = tokenError ? 'Bearer realm="agentdock", error="invalid_token"' : 'Bearer realm="agentdock"';
  return failure;
}

function forbidden(message: string): AuthFailure {
  return { ok: false, status: 403, code: 'Forbidden', message };
}

function expected(snapshot: AuthSnapshot): string {
  if (snapshot.acceptsBearer && snapshot.acceptsApiKeys) return 'send Authorization: Bearer <token> or x-api-key: <key>';
  if (snapshot.acceptsBearer) return 'send Authorization: Bearer <token>';
  if (snapshot.acceptsApiKeys) return 'send x-api-key: <key>';
  return 'this agent accepts no credentials the runtime can check (auth.mode oauth2 without api_keys)';
}

/**
 * What the control plane may do: read the event stream and the metrics, and invoke for the
 * console's playground (main checks the console user's role first; the agent's policies, rate
 * limits and budget apply to these calls like to any other). Never keys, secrets or admin routes.
 */
export const CONTROL_PERMISSIONS: ReadonlySet<Permission> = new Set<Permission>(['read_logs', 'view_metrics', 'invoke']);
/** The role name control-plane requests carry (in logs and rate limits); not a Dockfile role. */
export const CONTROL_ROLE = 'agentdock:control';

/** The control plane's token, compared by digest in constant time. */
function fromControlToken(token: string, snapshot: AuthSnapshot): AuthResult {
  if (!snapshot.controlTokenDigest) return { ok: false, status: 401, code: 'Unauthorized', message: 'this runtime has no control token configured' };
  const digest = createHash('sha256').update(token).digest();
  if (!timingSafeEqual(digest, snapshot.controlTokenDigest)) return { ok: false, status: 401, code: 'Unauthorized', message: 'invalid control token' };
  return { ok: true, principal: { kind: 'control', subject: 'agentdock-control-plane', role: CONTROL_ROLE, permissions: CONTROL_PERMISSIONS } };
}

/** Authenticates requests against the current AuthSnapshot and checks permissions. */
export class Authenticator {
  constructor(
    private readonly snapshotSource: () => AuthSnapshot,
    private readonly clock: () => number = Date.now,
  ) {}

  /** The current snapshot; capture it once per request and pass it to authenticate. */
  snapshot(): AuthSnapshot {
    return this.snapshotSource();
  }

  /** Identifies the caller from `Authorization: Bearer` or `x-api-key`; pass `request.headersDistinct`. */
  authenticate(headers: HeaderBag, snapshot: AuthSnapshot = this.snapshotSource()): AuthResult {
    try {
      const credentials = extractCredentials(headers);
      switch (credentials.kind) {
        case 'none':
          return unauthorized(snapshot, `missing credentials: ${expected(snapshot)}`);
        case 'invalid':
          return unauthorized(snapshot, credentials.message);
        case 'bearer':
          return this.fromToken(credentials.token, snapshot);
        case 'api_key':
          return this.fromApiKey(credentials.key, snapshot);
        case 'control':
          return fromControlToken(credentials.token, snapshot);
      }
    } catch {
      // Defence in depth: a bug above must fail closed, never as a 500 that skips auth.
      return unauthorized(snapshot, 'credentials could not be checked');
    }
  }

  /** 403 unless the principal has the permission (§5.3.4); the message names what is missing. */
  authorize(principal: Principal, permission: Permission): AuthorizeResult {
    if (principal.permissions.has(permission)) return { ok: true };
    return forbidden(`role '${principal.role}' lacks permission '${permission}'`);
  }

  private fromToken(token: string, snapshot: AuthSnapshot): AuthResult {
    if (!snapshot.acceptsBearer) return unauthorized(snapshot, `bearer tokens are not accepted by this agent (auth.mode ${snapshot.mode}): ${expected(snapshot)}`);
    if (!snapshot.jwtKey) return unauthorized(snapshot, 'this runtime has no JWT secret configured, so no token can be verified');
    const verified = verifyJwt(token, snapshot.jwtKey, { now: this.clock() });
    if (!verified.ok) {
      if (verified.reason === 'expired') return { ok: false, status: 498, code: 'TokenExpired', message: verified.message };
      return unauthorized(snapshot, verified.message, true);
    }
    const { sub, role, permissions, agent } = verified.claims;
    if (typeof sub !== 'string' || sub === '' || sub.length > MAX_SUBJECT_LENGTH) return unauthorized(snapshot, 'token has no usable sub claim', true);
    if (typeof role !== 'string' || role === '') return unauthorized(snapshot, 'token has no role claim', true);
    // One secret may sign tokens for several agents; a token minted for another must not work here.
    if (agent !== undefined && agent !== snapshot.agent) return unauthorized(snapshot, 'token was issued for another agent', true);
    if (permissions !== undefined && (!Array.isArray(permissions) || !permissions.every((entry) => typeof entry === 'string'))) {
      return unauthorized(snapshot, 'token permissions claim must be a list of strings', true);
    }
    const granted = snapshot.roles.get(role);
    if (!granted) return forbidden(`role '${role}' is not defined for this agent`);
    // A token may narrow its role's permissions, never widen them: the Dockfile is the authority.
    const effective = permissions === undefined ? granted : new Set(permissions.filter((entry) => granted.has(entry)));
    return { ok: true, principal: { kind: 'jwt', subject: sub, role, permissions: effective } };
  }

  private fromApiKey(key: string, snapshot: AuthSnapshot): AuthResult {
    if (!snapshot.acceptsApiKeys) return unauthorized(snapshot, `API keys are not accepted by this agent (auth.api_keys.enabled is false): ${expected(snapshot)}`);
    const status = checkApiKey(snapshot.keys, key, this.clock());
    if (!status.ok) {
      switch (status.reason) {
        case 'malformed':
          return unauthorized(snapshot, 'x-api-key is not an AgentDock key (adk_…)');
        case 'unknown':
          return unauthorized(snapshot, 'unknown API key');
        case 'revoked':
          return { ok: false, status: 499, code: 'KeyRevoked', message: 'API key was revoked; ask an admin for a new one' };
        case 'expired':
          return { ok: false, status: 498, code: 'TokenExpired', message: 'API key expired; ask an admin to rotate it' };
      }
    }
    const granted = snapshot.roles.get(status.record.role);
    if (!granted) return forbidden(`role '${status.record.role}' of key ${status.record.id} is not defined for this agent`);
    return { ok: true, principal: { kind: 'api_key', subject: status.record.id, role: status.record.role, permissions: granted } };
  }
}
