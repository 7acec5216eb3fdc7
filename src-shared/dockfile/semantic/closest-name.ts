// "Did you mean" suggestions for names a Dockfile points at (entrypoints, schema classes).
// Names come from user files, so every input is bounded to keep the cost predictable.

/** Names longer than this are not identifiers anyone typed; comparing them only costs time. */
const MAX_COMPARED_LENGTH = 256;

/** Largest edit distance still worth suggesting for `name`. */
export function suggestionThreshold(name: string): number {
  return Math.max(2, Math.floor(name.length / 3));
}

/**
 * Levenshtein distance between `a` and `b`, or `limit + 1` as soon as it is known to exceed
 * `limit` (the row minimum only grows, so the scan can stop early).
 */
export function boundedLevenshtein(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  if (a === b) return 0;
  let previous = new Array<number>(b.length + 1);
  let current = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) previous[j] = j;
  for (let i = 1; i <= a.length; i++) {
    current[0] = i;
    let rowMin = i;
    const ca = a.charCodeAt(i - 1);
    for (let j = 1; j <= b.length; j++) {
      const cost = ca === b.charCodeAt(j - 1) ? 0 : 1;
      const value = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
      current[j] = value;
      if (value < rowMin) rowMin = value;
    }
    if (rowMin > limit) return limit + 1;
    [previous, current] = [current, previous];
  }
  return previous[b.length] ?? limit + 1;
}

/** Returns the candidate nearest to `name` by edit distance (at most max(2, name.length/3)), earliest on ties. */
export function closestName(name: string, candidates: string[]): string | undefined {
  if (name.length === 0 || name.length > MAX_COMPARED_LENGTH) return undefined;
  const limit = suggestionThreshold(name);
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const candidate of candidates) {
    if (candidate.length > MAX_COMPARED_LENGTH) continue;
    // Only strictly better candidates replace the current one, so ties keep the earliest.
    const distance = boundedLevenshtein(name, candidate, Math.min(limit, bestDistance - 1));
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
      if (distance === 0) break;
    }
  }
  return best;
}

/** How many names a "missing" answer carries. */
export const MAX_AVAILABLE = 50;

/**
 * Picks at most 50 of `names` to show next to a missing `name`, sorted: the closest match is
 * always kept, then names from `preferred` (real definitions rather than imports), so truncation
 * drops the least useful ones.
 */
export function pickAvailable(name: string, names: readonly string[], preferred: ReadonlySet<string>): string[] {
  const unique = [...new Set(names)];
  if (unique.length > MAX_AVAILABLE) {
    const closest = closestName(name, unique);
    const rank = (candidate: string): number => (candidate === closest ? 0 : preferred.has(candidate) ? 1 : 2);
    unique.sort((a, b) => rank(a) - rank(b) || compareCodeUnits(a, b));
    unique.length = MAX_AVAILABLE;
  }
  return unique.sort(compareCodeUnits);
}

/** Locale-independent ordering, so results are identical in every runtime. */
export function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
