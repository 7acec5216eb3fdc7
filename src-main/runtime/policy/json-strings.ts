/**
 * Walks the string values of a request or response body the way `JSON.stringify` will see them
 * (own enumerable keys, `toJSON` applied, undefined and functions skipped) and maps them. The walk
 * is bounded: bodies are untrusted, and an agent's output can even be cyclic, so depth and value
 * count are capped and exceeding either is reported rather than half-inspected.
 */

export type PathSegment = string | number;

export interface WalkLimits {
  /** Nesting depth of arrays and objects. */
  maxDepth: number;
  /** Values visited in total (strings, numbers, containers…). */
  maxNodes: number;
}

/** Deep enough for any real payload; a 1 MB body cannot hold more values than this in useful form. */
export const DEFAULT_WALK_LIMITS: WalkLimits = { maxDepth: 64, maxNodes: 200_000 };

/** Maps one string; `path` is the live walk stack (copy it to keep it). */
export type StringMapper = (text: string, path: readonly PathSegment[]) => string;

export type WalkOutcome = { ok: true; value: unknown } | { ok: false; limit: 'depth' | 'nodes' };

class LimitExceeded extends Error {
  constructor(readonly limit: 'depth' | 'nodes') {
    super(limit);
  }
}

/** Maps every string value (not keys) of a JSON-like value; subtrees with no change keep their identity, changed ones become plain copies. */
export function mapJsonStrings(value: unknown, map: StringMapper, limits: WalkLimits): WalkOutcome {
  const path: PathSegment[] = [];
  let nodes = 0;

  const visit = (current: unknown, key: string, depth: number): unknown => {
    nodes += 1;
    if (nodes > limits.maxNodes) throw new LimitExceeded('nodes');
    if (typeof current === 'string') return map(current, path);
    if (current === null || typeof current !== 'object') return current;
    if (depth >= limits.maxDepth) throw new LimitExceeded('depth');
    const toJSON = (current as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === 'function') {
      // JSON.stringify serialises what toJSON returns (a Date becomes its ISO string).
      const replaced: unknown = toJSON.call(current, key);
      const mapped = typeof replaced === 'string' ? map(replaced, path) : visitContainer(replaced, depth);
      return mapped === replaced ? current : mapped;
    }
    return visitContainer(current, depth);
  };

  const visitContainer = (current: unknown, depth: number): unknown => {
    if (current === null || typeof current !== 'object') return current;
    if (Array.isArray(current)) {
      let copy: unknown[] | undefined;
      for (let index = 0; index < current.length; index += 1) {
        const item: unknown = current[index];
        path.push(index);
        const mapped = visit(item, String(index), depth + 1);
        path.pop();
        if (mapped !== item && !copy) copy = current.slice(0, index);
        copy?.push(mapped);
      }
      return copy ?? current;
    }
    const record = current as Record<string, unknown>;
    const keys = Object.keys(record);
    let entries: Array<[string, unknown]> | undefined;
    for (let index = 0; index < keys.length; index += 1) {
      const key = keys[index] as string;
      const item = record[key];
      let mapped = item;
      if (item !== undefined && typeof item !== 'function' && typeof item !== 'symbol') {
        path.push(key);
        mapped = visit(item, key, depth + 1);
        path.pop();
      }
      if (mapped !== item && !entries) entries = keys.slice(0, index).map((earlier) => [earlier, record[earlier]]);
      entries?.push([key, mapped]);
    }
    // fromEntries defines own properties, so a "__proto__" key stays data and never becomes a prototype.
    return entries ? Object.fromEntries(entries) : current;
  };

  try {
    return { ok: true, value: visit(value, '', 0) };
  } catch (error) {
    if (error instanceof LimitExceeded) return { ok: false, limit: error.limit };
    throw error;
  }
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/**
 * A readable path such as `messages[0].content` (`$` for the root). Keys end up in telemetry, and
 * a caller can put anything in a key, so a key `keyIsSafe` rejects is written `[*]`.
 */
export function formatJsonPath(path: readonly PathSegment[], keyIsSafe: (key: string) => boolean): string {
  if (path.length === 0) return '$';
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (!keyIsSafe(segment)) out += '[*]';
    else if (IDENTIFIER.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}
