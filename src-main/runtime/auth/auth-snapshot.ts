/**
 * One immutable view of everything authentication needs: the mode, the JWT key, the API key index
 * and the role table. A reload builds a new snapshot and the owner swaps one reference; a request
 * uses the snapshot it captured when it started, so a reload never changes a request mid-flight.
 */
import { createHash } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import type { DockSpec } from '../../../src-shared/dockfile/types';
import type { ReloadableParts } from '../config/runtime-bundle';
import { createApiKeyIndex } from './api-keys';
import type { ApiKeyIndex } from './api-keys';
import { jwtSecretKey } from './jwt';
import { resolveRoles } from './permissions';
import type { RoleTable } from './permissions';

export interface AuthSnapshot {
  /** `agent.name`: a token carrying an `agent` claim must name this agent. */
  readonly agent: string;
  readonly mode: DockSpec['auth']['mode'];
  /** `Authorization: Bearer <jwt>` is accepted (mode jwt). */
  readonly acceptsBearer: boolean;
  /** `x-api-key` is accepted (`auth.api_keys.enabled`, in any mode). */
  readonly acceptsApiKeys: boolean;
  /** secrets.json `jwtSecret`, else `auth.jwt.secret_key`; undefined refuses every bearer token. */
  readonly jwtKey: KeyObject | undefined;
  readonly keys: ApiKeyIndex;
  readonly roles: RoleTable;
  /** SHA-256 of secrets.json `controlToken`; undefined refuses every control-plane request. */
  readonly controlTokenDigest: Buffer | undefined;
}

/**
 * Builds the snapshot for a spec and the current keys and secrets.
 *
 * `oauth2` mode accepts no bearer token here: its tokens are signed by an identity provider
 * (RS256 via JWKS), which this HS256-only runtime refuses by design; API keys still work when
 * enabled. OAuth2 is v2 in seed 004 §5.3.2.
 */
export function createAuthSnapshot(spec: DockSpec, parts: Pick<ReloadableParts, 'keys' | 'secrets'>): AuthSnapshot {
  const secret = parts.secrets.jwtSecret ?? spec.auth.jwt?.secret_key;
  return Object.freeze({
    agent: spec.agent.name,
    mode: spec.auth.mode,
    acceptsBearer: spec.auth.mode === 'jwt',
    acceptsApiKeys: spec.auth.api_keys?.enabled === true,
    jwtKey: secret ? jwtSecretKey(secret) : undefined,
    keys: createApiKeyIndex(parts.keys.keys),
    roles: resolveRoles(spec.auth.roles),
    controlTokenDigest: parts.secrets.controlToken ? createHash('sha256').update(parts.secrets.controlToken).digest() : undefined,
  });
}
