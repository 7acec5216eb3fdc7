/**
 * Pulls the credential out of request headers, refusing anything ambiguous or malformed.
 *
 * Threats: header smuggling through duplicates (Node keeps only the first `Authorization` in
 * `request.headers`, a proxy may keep the last — pass `request.headersDistinct` so duplicates are
 * seen and refused); CR/LF or non-ASCII bytes from transports that do not check them (WebSocket
 * upgrades proxied oddly, tests, other header sources); absurd lengths meant to cost us parsing or
 * hashing; two credentials at once, where which one wins would be a guess.
 */
import { JWT_MAX_LENGTH } from './jwt';

/** Request headers as Node gives them (`headersDistinct` preferred): names, one or more values. */
export type HeaderBag = Readonly<Record<string, string | readonly string[] | undefined>>;

export type Credentials =
  | { kind: 'none' }
  | { kind: 'bearer'; token: string }
  | { kind: 'api_key'; key: string }
  | { kind: 'control'; token: string }
  | { kind: 'invalid'; message: string };

/** The header the control plane authenticates with (secrets.json `controlToken`). */
export const CONTROL_TOKEN_HEADER = 'x-agentdock-control';

/** Longest `x-api-key` value considered (characters); real keys are 47. */
export const MAX_API_KEY_HEADER_LENGTH = 256;
const MAX_AUTHORIZATION_LENGTH = JWT_MAX_LENGTH + 64;
/** Visible ASCII and space only: no CR, LF, NUL, tab or bytes above 0x7E. */
const PRINTABLE_ASCII = /^[\x20-\x7E]*$/;
const BEARER = /^Bearer +([^ ]+) *$/i;

function valuesOf(headers: HeaderBag, name: string): string[] {
  const values: string[] = [];
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== name || value === undefined) continue;
    if (typeof value === 'string') values.push(value);
    else values.push(...value);
  }
  return values;
}

function single(headers: HeaderBag, name: string, maxLength: number): { value?: string; problem?: string } {
  const values = valuesOf(headers, name);
  if (values.length === 0) return {};
  if (values.length > 1) return { problem: `send one ${name} header, not ${values.length}` };
  const value = values[0] as string;
  if (typeof value !== 'string' || value.length > maxLength) return { problem: `${name} header is too long` };
  if (!PRINTABLE_ASCII.test(value)) return { problem: `${name} header holds control or non-ASCII characters` };
  return { value: value.trim() };
}

/** The one credential the request carries, `none`, or why the headers are unacceptable. */
export function extractCredentials(headers: HeaderBag): Credentials {
  const authorization = single(headers, 'authorization', MAX_AUTHORIZATION_LENGTH);
  if (authorization.problem) return { kind: 'invalid', message: authorization.problem };
  const apiKey = single(headers, 'x-api-key', MAX_API_KEY_HEADER_LENGTH);
  if (apiKey.problem) return { kind: 'invalid', message: apiKey.problem };
  const control = single(headers, CONTROL_TOKEN_HEADER, MAX_API_KEY_HEADER_LENGTH);
  if (control.problem) return { kind: 'invalid', message: control.problem };
  const given = [authorization.value, apiKey.value, control.value].filter((value) => value !== undefined).length;
  if (given > 1) return { kind: 'invalid', message: `send one of Authorization, x-api-key or ${CONTROL_TOKEN_HEADER}, not several` };
  if (control.value !== undefined) return control.value === '' ? { kind: 'invalid', message: `${CONTROL_TOKEN_HEADER} header is empty` } : { kind: 'control', token: control.value };
  if (authorization.value !== undefined) {
    const match = BEARER.exec(authorization.value);
    if (!match?.[1]) return { kind: 'invalid', message: 'Authorization must be "Bearer <token>"' };
    return { kind: 'bearer', token: match[1] };
  }
  if (apiKey.value !== undefined) {
    if (apiKey.value === '') return { kind: 'invalid', message: 'x-api-key header is empty' };
    return { kind: 'api_key', key: apiKey.value };
  }
  return { kind: 'none' };
}
