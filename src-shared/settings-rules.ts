/**
 * The rules a console setting must follow, in one platform-free place: the contract's zod schemas
 * check them at the boundary (E3001 with a field path), the control plane checks them again when
 * it reads a setting or an environment variable (retention windows, base images). Each returns
 * what is wrong in words a person can act on, or undefined when the value is fine.
 */

/** The retention windows (seed 003), in days. */
export const RETENTION_KEYS = ['runsDays', 'auditDays', 'eventsDays', 'rollupHistoryDays', 'alertsDays'] as const;
export type RetentionKey = (typeof RETENTION_KEYS)[number];

/**
 * Why `value` cannot be a window for `key`. The audit logs keep at least a day whatever this
 * says (the database's own floor), so a shorter audit window is refused rather than ignored.
 */
export function retentionDaysProblem(key: RetentionKey, value: number): string | undefined {
  if (typeof value !== 'number' || !Number.isFinite(value)) return 'must be a number of days';
  if (key === 'auditDays' && value < 1) return `must be a number of days of at least 1, got ${value}`;
  if (value <= 0) return `must be a number of days above 0, got ${value}`;
  if (value > 36_500) return `must be at most 36500 days (100 years), got ${value}`;
  return undefined;
}

// registry/name:tag@digest characters only: a base image goes into a generated Dockerfile's FROM
// line, so a newline or a space could inject an instruction.
const IMAGE_REF = /^[A-Za-z0-9][A-Za-z0-9._\-/:@]*$/;

/** Why `ref` is not an image reference such as `node:22-bookworm-slim`. */
export function imageRefProblem(ref: string): string | undefined {
  if (ref.length === 0) return 'must not be empty';
  if (ref.length > 255) return 'must be at most 255 characters';
  if (!IMAGE_REF.test(ref)) return `"${ref}" is not an image reference (expected e.g. node:22-bookworm-slim or registry.example.com/team/node:22)`;
  return undefined;
}

// A registry as Docker names it: host[:port][/path], optionally written as an https URL.
const REGISTRY = /^(https?:\/\/)?[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?(:\d{1,5})?(\/[A-Za-z0-9._/-]*)?$/;

/** Why `url` is not a container registry address such as `ghcr.io` or `registry.example.com:5000`. */
export function registryUrlProblem(url: string): string | undefined {
  if (url.length === 0) return 'must not be empty';
  if (url.length > 255) return 'must be at most 255 characters';
  if (!REGISTRY.test(url)) return `"${url}" is not a registry address (expected e.g. ghcr.io, registry.example.com:5000 or https://registry.example.com)`;
  if (/^http:\/\//i.test(url) && !/^http:\/\/(localhost|127\.0\.0\.1)(:\d+)?(\/|$)/i.test(url)) return 'must use https (plain http only for a registry on localhost): the password would travel in the clear';
  return undefined;
}

/** The registry's address without scheme or trailing slash, the form Docker's credential store keys on. */
export function normalizeRegistryUrl(url: string): string {
  return url
    .trim()
    .replace(/^https?:\/\//i, '')
    .replace(/\/+$/, '')
    .toLowerCase();
}

// A user name for a registry login: printable, no spaces (Docker refuses them too).
const REGISTRY_USER = /^[^\s\p{Cc}]{1,255}$/u;

/** Why `username` cannot be a registry login. */
export function registryUsernameProblem(username: string): string | undefined {
  return REGISTRY_USER.test(username) ? undefined : 'must be 1–255 printable characters without spaces';
}
