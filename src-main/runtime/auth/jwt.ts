/**
 * HS256 JSON Web Tokens with node:crypto alone (seed 004 §5.3.3 A).
 *
 * Threats this file is written against: algorithm confusion (`alg: none`, or RS256 with the HMAC
 * secret passed off as a public key) — only the exact string "HS256" is accepted; `crit` headers
 * asking us to honour extensions we do not implement (RFC 7515 §4.1.11 says reject); signature
 * timing oracles — the comparison is timingSafeEqual over two 32-byte buffers; oversized or
 * malformed input — the length is bounded before any parsing, each segment must be canonical
 * base64url, and nothing here throws on any string.
 */
import { createHmac, createSecretKey, timingSafeEqual } from 'node:crypto';
import type { KeyObject } from 'node:crypto';

/** Tokens longer than this (characters) are refused before parsing; real ones are a few hundred. */
export const JWT_MAX_LENGTH = 8192;
/** Leeway for exp, nbf and iat, in seconds: clocks of the control plane and replicas drift. */
export const JWT_CLOCK_SKEW_SECONDS = 30;

/** Registered claims plus the ones AgentDock mints (`role`, `permissions`, `agent`). */
export interface JwtClaims {
  sub?: string;
  role?: string;
  permissions?: string[];
  agent?: string;
  iss?: string;
  aud?: string | string[];
  /** NumericDate: seconds since the epoch. */
  exp?: number;
  nbf?: number;
  iat?: number;
  [claim: string]: unknown;
}

export type JwtFailureReason = 'malformed' | 'unsupported_algorithm' | 'bad_signature' | 'expired' | 'not_yet_valid' | 'invalid_claims';

export type JwtVerifyResult = { ok: true; claims: JwtClaims } | { ok: false; reason: JwtFailureReason; message: string };

export interface JwtVerifyOptions {
  /** Current time in ms since the epoch (injectable for tests). */
  now?: number;
  /** When set, `iss` must equal it. */
  issuer?: string;
  /** When set, `aud` must equal it or contain it. */
  audience?: string;
  clockSkewSeconds?: number;
  /** Refuse tokens without `exp` (default true): a token that never expires cannot be contained. */
  requireExpiry?: boolean;
}

/** A JWT secret as an HMAC key (a KeyObject prints and serialises as nothing, unlike a string). */
export type JwtSecret = string | KeyObject;

const SEGMENT = /^[A-Za-z0-9_-]+$/;
const HS256_SIGNATURE_BYTES = 32;

function toKey(secret: JwtSecret): KeyObject {
  return typeof secret === 'string' ? createSecretKey(Buffer.from(secret, 'utf8')) : secret;
}

/** Decodes one segment, refusing padding, stray characters and non-canonical encodings. */
function decodeSegment(segment: string): Buffer | undefined {
  if (!SEGMENT.test(segment) || segment.length % 4 === 1) return undefined;
  const bytes = Buffer.from(segment, 'base64url');
  // Node ignores non-zero trailing bits, so two strings could carry one value; allow only one.
  return bytes.toString('base64url') === segment ? bytes : undefined;
}

function parseObject(bytes: Buffer): Record<string, unknown> | undefined {
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch {
    return undefined;
  }
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function fail(reason: JwtFailureReason, message: string): JwtVerifyResult {
  return { ok: false, reason, message };
}

const isNumericDate = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

function checkClaims(claims: Record<string, unknown>, options: JwtVerifyOptions): JwtVerifyResult {
  for (const name of ['exp', 'nbf', 'iat'] as const) {
    if (claims[name] !== undefined && !isNumericDate(claims[name])) return fail('invalid_claims', `token claim ${name} is not a number of seconds`);
  }
  for (const name of ['sub', 'iss'] as const) {
    if (claims[name] !== undefined && typeof claims[name] !== 'string') return fail('invalid_claims', `token claim ${name} is not a string`);
  }
  const nowSeconds = (options.now ?? Date.now()) / 1000;
  const skew = options.clockSkewSeconds ?? JWT_CLOCK_SKEW_SECONDS;
  const { exp, nbf, iat } = claims as JwtClaims;
  if (exp === undefined && (options.requireExpiry ?? true)) return fail('invalid_claims', 'token has no exp claim; tokens must expire');
  if (exp !== undefined && nowSeconds >= exp + skew) return fail('expired', 'token expired; request a new one');
  if (nbf !== undefined && nowSeconds + skew < nbf) return fail('not_yet_valid', 'token is not valid yet (nbf is in the future)');
  if (iat !== undefined && nowSeconds + skew < iat) return fail('not_yet_valid', 'token was issued in the future (iat); check the issuer clock');
  if (options.issuer !== undefined && claims.iss !== options.issuer) return fail('invalid_claims', 'token issuer (iss) is not the expected one');
  if (options.audience !== undefined) {
    const aud = claims.aud;
    const matches = typeof aud === 'string' ? aud === options.audience : Array.isArray(aud) && aud.some((entry) => entry === options.audience);
    if (!matches) return fail('invalid_claims', 'token audience (aud) does not include this agent');
  }
  return { ok: true, claims: claims as JwtClaims };
}

/** Verifies an HS256 JWT and its time claims; never throws, whatever the input. */
export function verifyJwt(token: string, secret: JwtSecret, options: JwtVerifyOptions = {}): JwtVerifyResult {
  try {
    if (typeof token !== 'string' || token.length === 0) return fail('malformed', 'token is empty');
    if (token.length > JWT_MAX_LENGTH) return fail('malformed', `token is longer than ${JWT_MAX_LENGTH} characters`);
    const parts = token.split('.');
    if (parts.length !== 3) return fail('malformed', 'token is not three base64url segments separated by dots');
    const [headerPart, payloadPart, signaturePart] = parts as [string, string, string];
    const headerBytes = decodeSegment(headerPart);
    const payloadBytes = decodeSegment(payloadPart);
    const signature = decodeSegment(signaturePart);
    if (!headerBytes || !payloadBytes || !signature) return fail('malformed', 'token segment is not canonical base64url');
    const header = parseObject(headerBytes);
    if (!header) return fail('malformed', 'token header is not a JSON object');
    if (header.alg !== 'HS256') return fail('unsupported_algorithm', 'token algorithm must be HS256');
    if (header.crit !== undefined) return fail('unsupported_algorithm', 'token has a crit header; no critical extensions are supported');
    // The length is public (32 for HS256); checking it first keeps timingSafeEqual's inputs equal.
    if (signature.length !== HS256_SIGNATURE_BYTES) return fail('bad_signature', 'token signature is invalid');
    const expected = createHmac('sha256', toKey(secret)).update(`${headerPart}.${payloadPart}`).digest();
    if (!timingSafeEqual(signature, expected)) return fail('bad_signature', 'token signature is invalid');
    const claims = parseObject(payloadBytes);
    if (!claims) return fail('malformed', 'token payload is not a JSON object');
    return checkClaims(claims, options);
  } catch {
    return fail('malformed', 'token could not be read');
  }
}

/** Mints an HS256 JWT (tests; the control plane issuing tokens). Adds iat, and exp when expiresInSeconds is given. */
export function signJwt(payload: Readonly<Record<string, unknown>>, secret: JwtSecret, options: { expiresInSeconds?: number; now?: number } = {}): string {
  const issuedAt = Math.floor((options.now ?? Date.now()) / 1000);
  const claims: Record<string, unknown> = { iat: issuedAt, ...payload };
  if (options.expiresInSeconds !== undefined) claims.exp = issuedAt + options.expiresInSeconds;
  const header = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');
  const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
  const signature = createHmac('sha256', toKey(secret)).update(`${header}.${body}`).digest('base64url');
  return `${header}.${body}.${signature}`;
}

/** Wraps a secret string as an HMAC key once, so snapshots never hold it as a printable string. */
export function jwtSecretKey(secret: string): KeyObject {
  return toKey(secret);
}
