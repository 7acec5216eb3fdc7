/**
 * `secrets.json`: the JWT secret, provider keys, the audit hash key and the agent's environment.
 * Nothing here is ever logged or put in an error message; problems name the field, not the value.
 */
import { stat } from 'node:fs/promises';
import { expectObject, expectRecord, expectString, optional, ShapeError } from './shape-check';

export interface SecretsFile {
  /** Overrides `auth.jwt.secret_key` from the spec. */
  jwtSecret?: string;
  providerKeys?: { openai?: string; anthropic?: string };
  /** HMAC key for PII audit hashes. */
  auditHashKey?: string;
  /** Extra environment for the agent process. */
  env?: Record<string, string>;
  /**
   * The control plane's own credential (`x-agentdock-control` header): read-only access to
   * `/events` and `/metrics` whatever the Dockfile's auth settings, so telemetry ingest never
   * depends on the agent's roles or on API keys being enabled.
   */
  controlToken?: string;
}

/** At least as strict as the Dockfile schema's `auth.jwt.secret_key` (minLength 16). */
export const MIN_SECRET_LENGTH = 16;

/** The control token is machine-made (32 random bytes, hex); anything shorter is a mistake. */
export const MIN_CONTROL_TOKEN_LENGTH = 32;

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Checks a parsed secrets.json; throws ShapeError naming the first wrong field. */
export function parseSecretsFile(value: unknown): SecretsFile {
  const root = expectObject(value, '', ['jwtSecret', 'providerKeys', 'auditHashKey', 'env', 'controlToken']);
  const secrets: SecretsFile = {};
  const jwtSecret = optional(root.jwtSecret, (raw) => expectString(raw, 'jwtSecret', { minLength: MIN_SECRET_LENGTH }));
  if (jwtSecret !== undefined) secrets.jwtSecret = jwtSecret;
  const providerKeys = optional(root.providerKeys, (raw) => {
    const entry = expectObject(raw, 'providerKeys', ['openai', 'anthropic']);
    const keys: NonNullable<SecretsFile['providerKeys']> = {};
    const openai = optional(entry.openai, (key) => expectString(key, 'providerKeys.openai'));
    if (openai !== undefined) keys.openai = openai;
    const anthropic = optional(entry.anthropic, (key) => expectString(key, 'providerKeys.anthropic'));
    if (anthropic !== undefined) keys.anthropic = anthropic;
    return keys;
  });
  if (providerKeys) secrets.providerKeys = providerKeys;
  const auditHashKey = optional(root.auditHashKey, (raw) => expectString(raw, 'auditHashKey', { minLength: MIN_SECRET_LENGTH }));
  if (auditHashKey !== undefined) secrets.auditHashKey = auditHashKey;
  const env = optional(root.env, (raw) =>
    expectRecord(raw, 'env', (entry, at, name) => {
      if (!ENV_NAME.test(name)) throw new ShapeError(at, 'named like an environment variable (letters, digits, _)', '');
      return expectString(entry, at, { minLength: 0 });
    }),
  );
  if (env) secrets.env = env;
  const controlToken = optional(root.controlToken, (raw) => expectString(raw, 'controlToken', { minLength: MIN_CONTROL_TOKEN_LENGTH }));
  if (controlToken !== undefined) secrets.controlToken = controlToken;
  return secrets;
}

/**
 * A warning when secrets.json can be read or written by group or others, or undefined. Stat follows
 * symlinks, so on Kubernetes this checks the projected file, whose mode is the volume's defaultMode.
 */
export async function secretsModeWarning(file: string, platform: NodeJS.Platform = process.platform): Promise<string | undefined> {
  // Windows has no POSIX mode bits; stat reports 0o666 for every writable file.
  if (platform === 'win32') return undefined;
  const { mode } = await stat(file);
  if ((mode & 0o077) === 0) return undefined;
  const octal = (mode & 0o777).toString(8).padStart(4, '0');
  return `${file} is readable or writable by group or others (mode ${octal}): run chmod 600 on it, or set defaultMode: 0400 on the Kubernetes Secret volume`;
}
