/**
 * The redaction pass every log line and log event goes through. The threat: a module logs a
 * request's headers, a provider error body or a config object, and a credential ends up in
 * `docker logs`, the console's log tail or a log shipper. Keys named like secrets lose their
 * value; strings shaped like bearer tokens or provider keys are masked wherever they appear;
 * long values are truncated so one huge payload cannot flood the log.
 */

export const REDACTED = '[redacted]';

export interface RedactOptions {
  /** Longest string kept whole, in characters. */
  maxValueChars?: number;
  /** Deepest nesting kept; deeper values become '[depth]'. */
  maxDepth?: number;
  /** Longest array kept; the rest is summarized. */
  maxArrayItems?: number;
}

/** Substrings of a key (separators and case removed) that mark a secret. */
const SECRET_KEY_PARTS = ['authorization', 'apikey', 'secret', 'password', 'passwd', 'passphrase', 'privatekey', 'credential', 'cookie', 'sessionid'];
/**
 * Whole words that mark a secret. `token` is a word, not a substring, because `inputTokens` and
 * `tokens_out` are the counts telemetry exists to report.
 */
const SECRET_KEY_WORDS = new Set(['token', 'auth', 'jwt', 'bearer', 'pwd', 'signature']);

/** Credentials recognisable by shape, wherever they appear in a string. */
const SECRET_VALUE_PATTERNS: readonly RegExp[] = [
  /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi,
  /\b(sk|pk|rk)-(?:[A-Za-z0-9]+-)*[A-Za-z0-9_]{16,}/g,
  /\bsk-ant-[A-Za-z0-9_-]{16,}/g,
  /\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g,
  /\b(ghp|gho|ghs|github_pat|xox[abpr])_[A-Za-z0-9_]{16,}/g,
  /\bAKIA[0-9A-Z]{16}\b/g,
];

/** True when a field named `key` must never be logged. */
export function isSecretKey(key: string): boolean {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
  if (words.some((word) => SECRET_KEY_WORDS.has(word))) return true;
  const compact = words.join('');
  return SECRET_KEY_PARTS.some((part) => compact.includes(part));
}

/** Masks credential-shaped substrings of `text`. */
export function maskSecretValues(text: string): string {
  let out = text;
  for (const pattern of SECRET_VALUE_PATTERNS) out = out.replace(pattern, REDACTED);
  return out;
}

/** Truncates and masks one string. */
export function redactString(text: string, maxValueChars = 2_048): string {
  const masked = maskSecretValues(text);
  if (masked.length <= maxValueChars) return masked;
  return `${masked.slice(0, maxValueChars)}…[truncated ${masked.length - maxValueChars} chars]`;
}

/** A copy of `fields` safe to log: secret keys masked, secret-shaped strings masked, sizes bounded. */
export function redactFields(fields: Record<string, unknown>, options: RedactOptions = {}): Record<string, unknown> {
  const limits = { maxValueChars: options.maxValueChars ?? 2_048, maxDepth: options.maxDepth ?? 6, maxArrayItems: options.maxArrayItems ?? 50 };
  return redactObject(fields, limits, 0, new WeakSet()) as Record<string, unknown>;
}

type Limits = Required<RedactOptions>;

function redactValue(value: unknown, limits: Limits, depth: number, seen: WeakSet<object>): unknown {
  if (typeof value === 'string') return redactString(value, limits.maxValueChars);
  if (value === null || typeof value === 'number' || typeof value === 'boolean') return value;
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'undefined' || typeof value === 'function' || typeof value === 'symbol') return undefined;
  if (value instanceof Error) {
    // Messages and stacks of provider errors sometimes quote the request: mask them too.
    return {
      name: value.name,
      message: redactString(value.message, limits.maxValueChars),
      ...('code' in value && typeof value.code === 'string' ? { code: value.code } : {}),
      ...(value.stack ? { stack: redactString(value.stack, limits.maxValueChars) } : {}),
    };
  }
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
  if (depth >= limits.maxDepth) return '[depth]';
  return redactObject(value as object, limits, depth + 1, seen);
}

function redactObject(value: object, limits: Limits, depth: number, seen: WeakSet<object>): unknown {
  if (seen.has(value)) return '[circular]';
  seen.add(value);
  try {
    if (Array.isArray(value)) {
      const items = value.slice(0, limits.maxArrayItems).map((item) => redactValue(item, limits, depth, seen));
      if (value.length > limits.maxArrayItems) items.push(`…[${value.length - limits.maxArrayItems} more]`);
      return items;
    }
    if (value instanceof Map) return redactObject(Object.fromEntries(value), limits, depth, seen);
    if (Buffer.isBuffer(value) || ArrayBuffer.isView(value)) return `[${value.byteLength} bytes]`;
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      if (isSecretKey(key)) {
        out[key] = REDACTED;
        continue;
      }
      const redacted = redactValue(item, limits, depth, seen);
      if (redacted !== undefined) out[key] = redacted;
    }
    return out;
  } finally {
    // A value seen twice in sibling branches is not a cycle; only ancestors are.
    seen.delete(value);
  }
}
