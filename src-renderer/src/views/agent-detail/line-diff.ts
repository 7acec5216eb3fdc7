/**
 * A line diff of two texts (longest common subsequence), enough to compare two versions'
 * Dockfiles. Quadratic in lines, which is fine for Dockfiles (hundreds of lines); larger inputs
 * are compared as whole blocks rather than freezing the window.
 */

export interface DiffLine {
  kind: 'same' | 'added' | 'removed';
  text: string;
  /** 1-based line in the old text (same, removed). */
  oldLine?: number;
  /** 1-based line in the new text (same, added). */
  newLine?: number;
}

const MAX_CELLS = 4_000_000;

function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split(/\r?\n/);
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** The lines of `before` and `after`, each marked same, added or removed, in reading order. */
export function diffLines(before: string, after: string): DiffLine[] {
  const a = splitLines(before);
  const b = splitLines(after);
  // Trim the common head and tail first: versions usually differ in a few lines.
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const midA = a.slice(head, a.length - tail);
  const midB = b.slice(head, b.length - tail);

  const out: DiffLine[] = [];
  for (let i = 0; i < head; i++) out.push({ kind: 'same', text: a[i] ?? '', oldLine: i + 1, newLine: i + 1 });

  if ((midA.length + 1) * (midB.length + 1) > MAX_CELLS) {
    midA.forEach((text, i) => out.push({ kind: 'removed', text, oldLine: head + i + 1 }));
    midB.forEach((text, i) => out.push({ kind: 'added', text, newLine: head + i + 1 }));
  } else {
    // lengths[i][j] = LCS length of midA[i..] and midB[j..].
    const rows = midA.length + 1;
    const cols = midB.length + 1;
    const lengths = new Uint32Array(rows * cols);
    for (let i = midA.length - 1; i >= 0; i--) {
      for (let j = midB.length - 1; j >= 0; j--) {
        lengths[i * cols + j] = midA[i] === midB[j] ? (lengths[(i + 1) * cols + j + 1] ?? 0) + 1 : Math.max(lengths[(i + 1) * cols + j] ?? 0, lengths[i * cols + j + 1] ?? 0);
      }
    }
    let i = 0;
    let j = 0;
    while (i < midA.length || j < midB.length) {
      if (i < midA.length && j < midB.length && midA[i] === midB[j]) {
        out.push({ kind: 'same', text: midA[i] ?? '', oldLine: head + i + 1, newLine: head + j + 1 });
        i++;
        j++;
      } else if (i < midA.length && (j === midB.length || (lengths[(i + 1) * cols + j] ?? 0) >= (lengths[i * cols + j + 1] ?? 0))) {
        // Removals before additions on a tie: a changed line reads as "-old +new".
        out.push({ kind: 'removed', text: midA[i] ?? '', oldLine: head + i + 1 });
        i++;
      } else {
        out.push({ kind: 'added', text: midB[j] ?? '', newLine: head + j + 1 });
        j++;
      }
    }
  }

  for (let k = 0; k < tail; k++) {
    const oldIndex = a.length - tail + k;
    const newIndex = b.length - tail + k;
    out.push({ kind: 'same', text: a[oldIndex] ?? '', oldLine: oldIndex + 1, newLine: newIndex + 1 });
  }
  return out;
}
