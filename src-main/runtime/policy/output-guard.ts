/**
 * `policies.safety.max_output_chars` (seed 004 §5.4.6): the limit applies to what the client
 * receives. A string output is measured as the string; any other output as its JSON text
 * (`JSON.stringify(output).length`, UTF-16 code units). Truncation shortens the longest string
 * values first, so short fields (ids, statuses) survive and the result stays valid for its
 * schema's types; an output whose structure alone exceeds the limit cannot be truncated.
 */
import { mapJsonStrings } from './json-strings';
import type { WalkLimits } from './json-strings';

export type FitOutcome =
  | { ok: true; output: unknown; truncated: false }
  | { ok: true; output: unknown; truncated: true; fields: number; removedChars: number }
  | { ok: false; reason: 'structure' | 'limits' | 'unserializable' };

/** Size of an output as the limit measures it. */
export function outputSize(output: unknown): number {
  if (typeof output === 'string') return output.length;
  return JSON.stringify(output)?.length ?? 0;
}

/** Cuts a string to at most `length` code units without splitting a surrogate pair. */
export function cutString(text: string, length: number): string {
  if (text.length <= length) return text;
  let end = Math.max(0, length);
  const last = text.charCodeAt(end - 1);
  if (end > 0 && last >= 0xd800 && last <= 0xdbff) end -= 1;
  return text.slice(0, end);
}

/** Makes `output` fit in `maxChars` by shortening its longest strings. */
export function fitOutput(output: unknown, maxChars: number, limits: WalkLimits): FitOutcome {
  if (typeof output === 'string') {
    if (output.length <= maxChars) return { ok: true, output, truncated: false };
    const cut = cutString(output, maxChars);
    return { ok: true, output: cut, truncated: true, fields: 1, removedChars: output.length - cut.length };
  }
  let size: number;
  try {
    size = outputSize(output);
  } catch {
    // A BigInt or a cycle: the HTTP layer could not send it either.
    return { ok: false, reason: 'unserializable' };
  }
  let excess = size - maxChars;
  if (excess <= 0) return { ok: true, output, truncated: false };

  const strings: string[] = [];
  const collected = mapJsonStrings(output, (text) => (strings.push(text), text), limits);
  if (!collected.ok) return { ok: false, reason: 'limits' };

  // Removing n characters removes at least n from the JSON text (each serialises to ≥ 1), so one
  // cut per string suffices; escapes only make the cut remove more than needed.
  const replacements = new Map<number, string>();
  const longestFirst = strings.map((text, index) => ({ index, size: JSON.stringify(text).length })).sort((a, b) => b.size - a.size || a.index - b.index);
  let removedChars = 0;
  for (const { index, size } of longestFirst) {
    if (excess <= 0) break;
    const text = strings[index] as string;
    if (text.length === 0) break;
    const cut = cutString(text, text.length - excess);
    replacements.set(index, cut);
    removedChars += text.length - cut.length;
    excess -= size - JSON.stringify(cut).length;
  }
  if (excess > 0) return { ok: false, reason: 'structure' };

  let visited = -1;
  const rewritten = mapJsonStrings(
    output,
    (text) => {
      visited += 1;
      return replacements.get(visited) ?? text;
    },
    limits,
  );
  if (!rewritten.ok) return { ok: false, reason: 'limits' };
  return { ok: true, output: rewritten.value, truncated: true, fields: replacements.size, removedChars };
}
