/**
 * A small hand-written checker for the bundle's JSON files (runtime.json, keys.json, secrets.json).
 * Ajv would do, but these files are few and flat, and a checker of our own can promise what Ajv's
 * messages cannot: it describes a wrong value by its type only, so no secret is ever echoed.
 */

/** A value at `at` (a dotted path inside the file) is not what the file format says. */
export class ShapeError extends Error {
  constructor(
    readonly at: string,
    readonly expected: string,
    readonly got: string,
  ) {
    super(`${at || '(top level)'} must be ${expected}${got ? ` (got ${got})` : ''}`);
    this.name = 'ShapeError';
  }
}

/** Names the type of a value for an error message, never its content. */
export function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'undefined') return 'nothing';
  return `a ${typeof value}`;
}

function join(at: string, key: string | number): string {
  return typeof key === 'number' ? `${at}[${key}]` : at ? `${at}.${key}` : key;
}

/** A plain JSON object whose keys are all in `known` (typos fail loudly instead of being ignored). */
export function expectObject(value: unknown, at: string, known?: readonly string[]): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new ShapeError(at, 'an object', describeType(value));
  const record = value as Record<string, unknown>;
  if (known) {
    const unknown = Object.keys(record).find((key) => !known.includes(key));
    if (unknown !== undefined) throw new ShapeError(join(at, unknown), `absent: the known fields are ${known.join(', ')}`, '');
  }
  return record;
}

/** An object used as a map (model → price, variable → value). */
export function expectRecord<T>(value: unknown, at: string, each: (entry: unknown, at: string, key: string) => T): Record<string, T> {
  const record = expectObject(value, at);
  const result: Record<string, T> = {};
  for (const [key, entry] of Object.entries(record)) result[key] = each(entry, join(at, key), key);
  return result;
}

/** An array, each element checked by `each`. */
export function expectArray<T>(value: unknown, at: string, each: (entry: unknown, at: string) => T): T[] {
  if (!Array.isArray(value)) throw new ShapeError(at, 'an array', describeType(value));
  return value.map((entry, index) => each(entry, join(at, index)));
}

/** A string, by default non-empty; `minLength` for secrets that must resist guessing. */
export function expectString(value: unknown, at: string, options: { minLength?: number; pattern?: RegExp; patternName?: string } = {}): string {
  const minLength = options.minLength ?? 1;
  if (typeof value !== 'string') throw new ShapeError(at, minLength > 0 ? 'a non-empty string' : 'a string', describeType(value));
  if (value.length < minLength) throw new ShapeError(at, minLength === 1 ? 'a non-empty string' : `a string of at least ${minLength} characters`, `${value.length}`);
  if (options.pattern && !options.pattern.test(value)) throw new ShapeError(at, options.patternName ?? `a string matching ${options.pattern.source}`, '');
  return value;
}

/** A finite number within bounds; `integer` for counts and byte sizes. */
export function expectNumber(value: unknown, at: string, options: { min?: number; max?: number; exclusiveMin?: number; integer?: boolean } = {}): number {
  const kind = options.integer ? 'an integer' : 'a number';
  if (typeof value !== 'number' || !Number.isFinite(value) || (options.integer && !Number.isInteger(value))) throw new ShapeError(at, kind, describeType(value));
  if (options.min !== undefined && value < options.min) throw new ShapeError(at, `${kind} ≥ ${options.min}`, String(value));
  if (options.exclusiveMin !== undefined && value <= options.exclusiveMin) throw new ShapeError(at, `${kind} > ${options.exclusiveMin}`, String(value));
  if (options.max !== undefined && value > options.max) throw new ShapeError(at, `${kind} ≤ ${options.max}`, String(value));
  return value;
}

/** A boolean. */
export function expectBoolean(value: unknown, at: string): boolean {
  if (typeof value !== 'boolean') throw new ShapeError(at, 'true or false', describeType(value));
  return value;
}

/** One of a fixed set of strings. */
export function expectOneOf<T extends string>(value: unknown, at: string, options: readonly T[]): T {
  if (typeof value !== 'string' || !(options as readonly string[]).includes(value)) throw new ShapeError(at, `one of ${options.join(', ')}`, describeType(value));
  return value as T;
}

/** An ISO-8601 timestamp; returned unchanged (callers parse it when they compare). */
export function expectTimestamp(value: unknown, at: string): string {
  const text = expectString(value, at);
  if (Number.isNaN(Date.parse(text))) throw new ShapeError(at, 'an ISO-8601 time such as 2025-01-31T12:00:00Z', 'an unparseable string');
  return text;
}

/** Runs `check` on `value` only when present (JSON has no undefined, so absent means absent). */
export function optional<T>(value: unknown, check: (value: unknown) => T): T | undefined {
  return value === undefined ? undefined : check(value);
}

/** Deep-freezes parsed bundle data so a snapshot shared by in-flight requests cannot be mutated. */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const entry of Object.values(value)) deepFreeze(entry);
    Object.freeze(value);
  }
  return value;
}
