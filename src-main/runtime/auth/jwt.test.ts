import { createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { JWT_MAX_LENGTH, signJwt, verifyJwt } from './jwt';
import { TEST_SECRET } from './test-support';

const NOW = Date.UTC(2025, 0, 15, 12, 0, 0);
const nowSeconds = NOW / 1000;

const b64 = (value: unknown): string => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

/** A token with any header, correctly HMAC-SHA256-signed with `secret`: only what the test varies is wrong. */
function craft(header: unknown, payload: unknown, secret = TEST_SECRET): string {
  const signingInput = `${b64(header)}.${b64(payload)}`;
  return `${signingInput}.${createHmac('sha256', secret).update(signingInput).digest('base64url')}`;
}

const claims = { sub: 'ada@example.com', role: 'developer', exp: nowSeconds + 600 };

describe('verifyJwt', () => {
  it('accepts a token it signed and returns the claims', () => {
    const token = signJwt({ sub: 'ada@example.com', role: 'developer' }, TEST_SECRET, { expiresInSeconds: 600, now: NOW });
    const result = verifyJwt(token, TEST_SECRET, { now: NOW });
    expect(result).toEqual({ ok: true, claims: { sub: 'ada@example.com', role: 'developer', iat: nowSeconds, exp: nowSeconds + 600 } });
  });

  it('refuses a token signed with another secret, and a tampered payload', () => {
    expect(verifyJwt(craft({ alg: 'HS256' }, claims, 'another-secret-0123456789'), TEST_SECRET, { now: NOW })).toMatchObject({ ok: false, reason: 'bad_signature' });
    const [header, , signature] = craft({ alg: 'HS256' }, claims).split('.');
    const promoted = `${header}.${b64({ ...claims, role: 'admin' })}.${signature}`;
    expect(verifyJwt(promoted, TEST_SECRET, { now: NOW })).toMatchObject({ ok: false, reason: 'bad_signature' });
  });

  it('accepts only the exact algorithm HS256', () => {
    for (const alg of ['none', 'None', 'NONE', 'HS384', 'HS512', 'RS256', 'ES256', 'hs256', 'HS256 ', '']) {
      expect(verifyJwt(craft({ alg, typ: 'JWT' }, claims), TEST_SECRET, { now: NOW }), alg).toMatchObject({ ok: false, reason: 'unsupported_algorithm' });
    }
    expect(verifyJwt(craft({ typ: 'JWT' }, claims), TEST_SECRET, { now: NOW })).toMatchObject({ ok: false, reason: 'unsupported_algorithm' });
    expect(verifyJwt(craft({ alg: ['HS256'] }, claims), TEST_SECRET, { now: NOW })).toMatchObject({ ok: false, reason: 'unsupported_algorithm' });
  });

  it('refuses alg none with an empty signature, the classic bypass', () => {
    const unsigned = `${b64({ alg: 'none' })}.${b64(claims)}.`;
    expect(verifyJwt(unsigned, TEST_SECRET, { now: NOW }).ok).toBe(false);
    const unsignedHs = `${b64({ alg: 'HS256' })}.${b64(claims)}.`;
    expect(verifyJwt(unsignedHs, TEST_SECRET, { now: NOW }).ok).toBe(false);
  });

  it('refuses a crit header even when the signature is right', () => {
    expect(verifyJwt(craft({ alg: 'HS256', crit: ['exp'] }, claims), TEST_SECRET, { now: NOW })).toMatchObject({ ok: false, reason: 'unsupported_algorithm' });
  });

  it('reports an expired token as expired, allowing 30 s of clock skew', () => {
    expect(verifyJwt(craft({ alg: 'HS256' }, { ...claims, exp: nowSeconds - 31 }), TEST_SECRET, { now: NOW })).toMatchObject({ ok: false, reason: 'expired' });
    expect(verifyJwt(craft({ alg: 'HS256' }, { ...claims, exp: nowSeconds - 10 }), TEST_SECRET, { now: NOW }).ok).toBe(true);
  });

  it('refuses nbf and iat in the future beyond the skew', () => {
    expect(verifyJwt(craft({ alg: 'HS256' }, { ...claims, nbf: nowSeconds + 120 }), TEST_SECRET, { now: NOW })).toMatchObject({ ok: false, reason: 'not_yet_valid' });
    expect(verifyJwt(craft({ alg: 'HS256' }, { ...claims, nbf: nowSeconds + 10 }), TEST_SECRET, { now: NOW }).ok).toBe(true);
    expect(verifyJwt(craft({ alg: 'HS256' }, { ...claims, iat: nowSeconds + 120 }), TEST_SECRET, { now: NOW })).toMatchObject({ ok: false, reason: 'not_yet_valid' });
  });

  it('requires exp by default and numeric time claims', () => {
    const { exp: _exp, ...forever } = claims;
    expect(verifyJwt(craft({ alg: 'HS256' }, forever), TEST_SECRET, { now: NOW })).toMatchObject({ ok: false, reason: 'invalid_claims' });
    expect(verifyJwt(craft({ alg: 'HS256' }, forever), TEST_SECRET, { now: NOW, requireExpiry: false }).ok).toBe(true);
    expect(verifyJwt(craft({ alg: 'HS256' }, { ...claims, exp: String(nowSeconds + 600) }), TEST_SECRET, { now: NOW })).toMatchObject({ ok: false, reason: 'invalid_claims' });
  });

  it('checks iss and aud when asked', () => {
    const token = craft({ alg: 'HS256' }, { ...claims, iss: 'agentdock', aud: ['probe-agent', 'other'] });
    expect(verifyJwt(token, TEST_SECRET, { now: NOW, issuer: 'agentdock', audience: 'probe-agent' }).ok).toBe(true);
    expect(verifyJwt(token, TEST_SECRET, { now: NOW, issuer: 'someone-else' })).toMatchObject({ ok: false, reason: 'invalid_claims' });
    expect(verifyJwt(token, TEST_SECRET, { now: NOW, audience: 'third' })).toMatchObject({ ok: false, reason: 'invalid_claims' });
  });

  it('refuses structurally malformed tokens', () => {
    const good = craft({ alg: 'HS256' }, claims);
    const [header, payload, signature] = good.split('.') as [string, string, string];
    const cases = [
      '',
      'abc',
      `${header}.${payload}`,
      `${good}.extra`,
      `${header}=.${payload}.${signature}`,
      `${header}.${payload}.${signature}=`,
      `${header}.${payload}.${signature.slice(0, -1)}`,
      `${b64('[1,2]')}.${payload}.${signature}`,
      `${b64('not json')}.${payload}.${signature}`,
      craft({ alg: 'HS256' }, [1, 2, 3]),
      craft({ alg: 'HS256' }, 'just a string'),
      `${header}.${payload}.${signature}`.replace(/\./g, ' . '),
    ];
    for (const token of cases) expect(verifyJwt(token, TEST_SECRET, { now: NOW }).ok, token).toBe(false);
  });

  it('refuses a non-canonical base64url signature carrying the same bytes', () => {
    const good = craft({ alg: 'HS256' }, claims);
    const last = good.at(-1) as string;
    // 32 bytes → 43 characters, the last holding 4 significant bits; flipping a low bit keeps the bytes.
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const sibling = alphabet[alphabet.indexOf(last) ^ 1] as string;
    const variant = `${good.slice(0, -1)}${sibling}`;
    expect(Buffer.from(variant.split('.')[2] as string, 'base64url')).toEqual(Buffer.from(good.split('.')[2] as string, 'base64url'));
    expect(verifyJwt(variant, TEST_SECRET, { now: NOW }).ok).toBe(false);
  });

  it('bounds the token size before parsing', () => {
    const huge = craft({ alg: 'HS256' }, { ...claims, pad: 'x'.repeat(JWT_MAX_LENGTH) });
    expect(verifyJwt(huge, TEST_SECRET, { now: NOW })).toMatchObject({ ok: false, reason: 'malformed', message: expect.stringMatching(/longer than 8192/) });
  });

  it('never throws and never accepts on random input', () => {
    let seed = 42;
    const next = (): number => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed;
    };
    const pieces = [() => randomBytes(next() % 40).toString('base64url'), () => b64({ alg: 'HS256' }), () => b64(claims), () => '.', () => '=', () => '\u0000', () => 'é', () => '{}'];
    for (let round = 0; round < 500; round += 1) {
      let token = '';
      const count = next() % 8;
      for (let index = 0; index < count; index += 1) token += (pieces[next() % pieces.length] as () => string)();
      let result: ReturnType<typeof verifyJwt> | undefined;
      expect(() => (result = verifyJwt(token, TEST_SECRET, { now: NOW }))).not.toThrow();
      expect(result?.ok).toBe(false);
    }
    for (const value of [undefined, null, 42, {}, []]) expect(verifyJwt(value as unknown as string, TEST_SECRET).ok).toBe(false);
  });
});
