import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { DockSpec } from '../../../src-shared/dockfile/types';
import type { ApiKeyRecord } from '../config/keys-file';
import type { SecretsFile } from '../config/secrets-file';
import { createAuthSnapshot } from './auth-snapshot';
import type { AuthSnapshot } from './auth-snapshot';
import { Authenticator } from './authenticator';
import { signJwt } from './jwt';
import { issueKey, specWithAuth, TEST_SECRET } from './test-support';

const NOW = Date.UTC(2025, 0, 15, 12);
const jwtSpec = specWithAuth({ mode: 'jwt', jwt: { secret_key: TEST_SECRET }, api_keys: { enabled: true } });
const developer = issueKey('key-dev', 'developer');
const viewer = issueKey('key-view', 'viewer');
const revoked = issueKey('key-revoked', 'developer', { revoked: true });
const expired = issueKey('key-old', 'developer', { expiresAt: '2025-01-01T00:00:00Z' });
const stranger = issueKey('key-stranger', 'auditor');

function authenticatorFor(spec: DockSpec, keys: ApiKeyRecord[] = [], secrets: SecretsFile = {}): Authenticator {
  const snapshot = createAuthSnapshot(spec, { keys: { keys }, secrets });
  return new Authenticator(() => snapshot, () => NOW);
}

const token = (claims: Record<string, unknown>, secret = TEST_SECRET, expiresInSeconds = 600): string => signJwt(claims, secret, { expiresInSeconds, now: NOW });
const bearer = (value: string): Record<string, string> => ({ authorization: `Bearer ${value}` });

describe('Authenticator: JWT', () => {
  const auth = authenticatorFor(jwtSpec, [developer.record]);

  it('turns a valid token into a principal with its role permissions', () => {
    const result = auth.authenticate(bearer(token({ sub: 'ada@example.com', role: 'developer', agent: 'probe-agent' })));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.principal).toMatchObject({ kind: 'jwt', subject: 'ada@example.com', role: 'developer' });
    expect(result.principal.permissions.has('invoke')).toBe(true);
    expect(result.principal.permissions.has('deploy')).toBe(false);
  });

  it('answers 498 TokenExpired for an expired token, 401 with a challenge for a forged one', () => {
    expect(auth.authenticate(bearer(token({ sub: 'a', role: 'developer' }, TEST_SECRET, -120)))).toMatchObject({ ok: false, status: 498, code: 'TokenExpired' });
    const forged = auth.authenticate(bearer(token({ sub: 'a', role: 'admin' }, 'not-the-secret-0123456789')));
    expect(forged).toMatchObject({ ok: false, status: 401, code: 'Unauthorized', challenge: 'Bearer realm="agentdock", error="invalid_token"' });
  });

  it('refuses tokens without sub or role, or minted for another agent', () => {
    expect(auth.authenticate(bearer(token({ role: 'developer' })))).toMatchObject({ status: 401, message: expect.stringMatching(/sub/) });
    expect(auth.authenticate(bearer(token({ sub: 'a' })))).toMatchObject({ status: 401, message: expect.stringMatching(/role/) });
    expect(auth.authenticate(bearer(token({ sub: 'a', role: 'developer', agent: 'other-agent' })))).toMatchObject({ status: 401, message: expect.stringMatching(/another agent/) });
  });

  it('answers 403 for a role this agent does not define', () => {
    expect(auth.authenticate(bearer(token({ sub: 'a', role: 'superuser' })))).toMatchObject({ ok: false, status: 403, code: 'Forbidden', message: "role 'superuser' is not defined for this agent" });
  });

  it('lets a permissions claim narrow the role, never widen it', () => {
    const result = auth.authenticate(bearer(token({ sub: 'a', role: 'viewer', permissions: ['read_docs', 'invoke', 'deploy'] })));
    expect(result.ok && [...result.principal.permissions]).toEqual(['read_docs']);
    expect(auth.authenticate(bearer(token({ sub: 'a', role: 'viewer', permissions: 'invoke' })))).toMatchObject({ status: 401 });
  });

  it('prefers the secrets.json JWT secret over the spec one', () => {
    const rotated = authenticatorFor(jwtSpec, [], { jwtSecret: 'rotated-secret-0123456789' });
    expect(rotated.authenticate(bearer(token({ sub: 'a', role: 'developer' }, 'rotated-secret-0123456789'))).ok).toBe(true);
    expect(rotated.authenticate(bearer(token({ sub: 'a', role: 'developer' }))).ok).toBe(false);
  });

  it('accepts x-api-key too when api_keys.enabled, and only then', () => {
    expect(auth.authenticate({ 'x-api-key': developer.raw })).toMatchObject({ ok: true, principal: { kind: 'api_key', subject: 'key-dev' } });
    const jwtOnly = authenticatorFor(specWithAuth({ mode: 'jwt', jwt: { secret_key: TEST_SECRET } }), [developer.record]);
    expect(jwtOnly.authenticate({ 'x-api-key': developer.raw })).toMatchObject({ status: 401, message: expect.stringMatching(/api_keys.enabled/) });
  });
});

describe('Authenticator: API keys', () => {
  const spec = specWithAuth({ mode: 'api_key', api_keys: { enabled: true } });
  const auth = authenticatorFor(spec, [developer.record, viewer.record, revoked.record, expired.record, stranger.record]);

  it('turns an active key into a principal named by the key id', () => {
    const result = auth.authenticate({ 'x-api-key': viewer.raw });
    expect(result).toMatchObject({ ok: true, principal: { kind: 'api_key', subject: 'key-view', role: 'viewer' } });
  });

  it('answers 499 for a revoked key, 498 for an expired one, 401 for an unknown one', () => {
    expect(auth.authenticate({ 'x-api-key': revoked.raw })).toMatchObject({ ok: false, status: 499, code: 'KeyRevoked' });
    expect(auth.authenticate({ 'x-api-key': expired.raw })).toMatchObject({ ok: false, status: 498, code: 'TokenExpired' });
    expect(auth.authenticate({ 'x-api-key': issueKey('x', 'developer').raw })).toMatchObject({ ok: false, status: 401, message: 'unknown API key' });
    expect(auth.authenticate({ 'x-api-key': 'sk-live-123' })).toMatchObject({ ok: false, status: 401, message: expect.stringMatching(/adk_/) });
  });

  it('answers 403 for a key whose role the agent does not define', () => {
    expect(auth.authenticate({ 'x-api-key': stranger.raw })).toMatchObject({ status: 403, message: expect.stringMatching(/auditor/) });
  });

  it('refuses bearer tokens in api_key mode, without a Bearer challenge', () => {
    const result = auth.authenticate(bearer(token({ sub: 'a', role: 'developer' })));
    expect(result).toMatchObject({ ok: false, status: 401, message: expect.stringMatching(/not accepted/) });
    expect(result.ok === false && result.challenge).toBeUndefined();
  });

  it('refuses bearer tokens in oauth2 mode (HS256 only) but takes enabled keys', () => {
    const oauth = authenticatorFor(
      specWithAuth({ mode: 'oauth2', oauth2: { issuer: 'https://idp.example', audience: 'probe' }, jwt: { secret_key: TEST_SECRET }, api_keys: { enabled: true } }),
      [developer.record],
    );
    expect(oauth.authenticate(bearer(token({ sub: 'a', role: 'developer' }))).ok).toBe(false);
    expect(oauth.authenticate({ 'x-api-key': developer.raw }).ok).toBe(true);
  });
});

describe('Authenticator: malformed headers', () => {
  const auth = authenticatorFor(jwtSpec, [developer.record]);
  const good = token({ sub: 'a', role: 'developer' });

  it('answers 401 for missing credentials, saying what to send', () => {
    expect(auth.authenticate({})).toMatchObject({ status: 401, message: 'missing credentials: send Authorization: Bearer <token> or x-api-key: <key>', challenge: 'Bearer realm="agentdock"' });
  });

  it('refuses duplicates, both credentials at once, other schemes, control characters and absurd lengths', () => {
    const cases: Record<string, string | string[]>[] = [
      { authorization: [`Bearer ${good}`, `Bearer ${good}`] },
      { authorization: `Bearer ${good}`, Authorization: `Bearer ${good}` },
      { 'x-api-key': [developer.raw, developer.raw] },
      { authorization: `Bearer ${good}`, 'x-api-key': developer.raw },
      { authorization: 'Basic YWRhOnB3' },
      { authorization: 'Bearer' },
      { authorization: `Bearer ${good} extra` },
      { authorization: '' },
      { authorization: `Bearer ${good}\r\nx-api-key: ${developer.raw}` },
      { 'x-api-key': `${developer.raw}\n` },
      { 'x-api-key': `adk_é${developer.raw.slice(5)}` },
      { 'x-api-key': '' },
      { 'x-api-key': `adk_${'a'.repeat(10_000)}` },
      { authorization: `Bearer ${'a'.repeat(100_000)}` },
    ];
    for (const headers of cases) {
      const result = auth.authenticate(headers);
      expect(result, JSON.stringify(headers).slice(0, 80)).toMatchObject({ ok: false, status: 401 });
    }
  });

  it('accepts the Bearer scheme in any case, as RFC 7235 requires', () => {
    expect(auth.authenticate({ authorization: `bearer ${good}` }).ok).toBe(true);
    expect(auth.authenticate({ Authorization: `BEARER  ${good}` }).ok).toBe(true);
  });

  it('never throws on random header values', () => {
    for (let round = 0; round < 300; round += 1) {
      const noise = randomBytes(round % 64).toString('latin1');
      const headers = round % 3 === 0 ? { authorization: noise } : round % 3 === 1 ? { authorization: `Bearer ${noise}` } : { 'x-api-key': noise };
      expect(() => auth.authenticate(headers)).not.toThrow();
      expect(auth.authenticate(headers).ok).toBe(false);
    }
  });
});

describe('Authenticator: authorize', () => {
  const auth = authenticatorFor(jwtSpec, [viewer.record]);

  it('answers 403 naming the missing permission', () => {
    const result = auth.authenticate({ 'x-api-key': viewer.raw });
    if (!result.ok) throw new Error(result.message);
    expect(auth.authorize(result.principal, 'view_metrics')).toEqual({ ok: true });
    expect(auth.authorize(result.principal, 'invoke')).toEqual({ ok: false, status: 403, code: 'Forbidden', message: "role 'viewer' lacks permission 'invoke'" });
  });
});

describe('Authenticator: snapshot swaps', () => {
  it('serves the new keys after a swap while a request holding the old snapshot completes', () => {
    const spec = specWithAuth({ mode: 'api_key', api_keys: { enabled: true } });
    const oldKey = issueKey('key-1', 'developer');
    const newKey = issueKey('key-2', 'developer');
    let current: AuthSnapshot = createAuthSnapshot(spec, { keys: { keys: [oldKey.record] }, secrets: {} });
    const auth = new Authenticator(() => current, () => NOW);

    const inflight = auth.snapshot();
    current = createAuthSnapshot(spec, { keys: { keys: [{ ...oldKey.record, revoked: true }, newKey.record] }, secrets: {} });

    expect(auth.authenticate({ 'x-api-key': oldKey.raw })).toMatchObject({ status: 499 });
    expect(auth.authenticate({ 'x-api-key': newKey.raw }).ok).toBe(true);
    expect(auth.authenticate({ 'x-api-key': oldKey.raw }, inflight).ok).toBe(true);
    expect(auth.authenticate({ 'x-api-key': newKey.raw }, inflight).ok).toBe(false);
  });
});

describe('Authenticator: the control plane token', () => {
  const controlToken = randomBytes(32).toString('hex');
  // API keys off and custom roles without read_logs: the control plane still reads telemetry.
  const locked = specWithAuth({ mode: 'api_key', api_keys: { enabled: false }, roles: [{ name: 'caller', permissions: ['invoke'] }] });

  it('reads events and metrics and invokes (the playground) whatever the Dockfile says, and nothing more', () => {
    const auth = authenticatorFor(locked, [], { controlToken });
    const result = auth.authenticate({ 'x-agentdock-control': controlToken });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.principal).toMatchObject({ kind: 'control', role: 'agentdock:control' });
    expect(auth.authorize(result.principal, 'read_logs').ok).toBe(true);
    expect(auth.authorize(result.principal, 'view_metrics').ok).toBe(true);
    expect(auth.authorize(result.principal, 'invoke').ok).toBe(true);
    expect(auth.authorize(result.principal, 'rollback')).toMatchObject({ ok: false, status: 403 });
  });

  it('refuses a wrong token, and every token when the runtime has none configured', () => {
    expect(authenticatorFor(locked, [], { controlToken }).authenticate({ 'x-agentdock-control': randomBytes(32).toString('hex') })).toMatchObject({ ok: false, status: 401, message: 'invalid control token' });
    expect(authenticatorFor(locked).authenticate({ 'x-agentdock-control': controlToken })).toMatchObject({ ok: false, status: 401, message: 'this runtime has no control token configured' });
  });

  it('refuses a control token sent together with another credential', () => {
    const auth = authenticatorFor(jwtSpec, [developer.record], { controlToken });
    expect(auth.authenticate({ 'x-agentdock-control': controlToken, 'x-api-key': developer.raw })).toMatchObject({ ok: false, status: 401 });
  });
});
