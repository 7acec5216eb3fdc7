/** The smallest single replacement that turns one text into another, so an editor keeps its cursor and undo history sensible. */

/** Replace `[start, end)` of the old text with `text` (offsets in UTF-16 code units). */
export interface TextReplacement {
  start: number;
  end: number;
  text: string;
}

/** Common prefix and suffix are kept; only the middle that differs is replaced. Undefined when the texts are equal. */
export function minimalEdit(before: string, after: string): TextReplacement | undefined {
  if (before === after) return undefined;
  const limit = Math.min(before.length, after.length);
  let prefix = 0;
  while (prefix < limit && before.charCodeAt(prefix) === after.charCodeAt(prefix)) prefix++;
  let suffix = 0;
  while (suffix < limit - prefix && before.charCodeAt(before.length - 1 - suffix) === after.charCodeAt(after.length - 1 - suffix)) suffix++;
  return { start: prefix, end: before.length - suffix, text: after.slice(prefix, after.length - suffix) };
}
