import type { SourceRange } from './diagnostics';

/** Offsets of line starts in a text, for offset → line:column lookups by binary search. */
export class LineIndex {
  private readonly starts: number[] = [0];

  constructor(text: string) {
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1);
  }

  /** 1-based line and column of a 0-based offset. Columns count UTF-16 code units, as editors do. */
  position(offset: number): { line: number; column: number } {
    let low = 0;
    let high = this.starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if ((this.starts[mid] as number) <= offset) low = mid;
      else high = mid - 1;
    }
    return { line: low + 1, column: offset - (this.starts[low] as number) + 1 };
  }
}

interface Span {
  file: string;
  start: number;
  end: number;
}

interface Entry {
  key?: Span;
  value: Span;
}

/** Key of a JSON path in the map: segments joined by a separator no YAML key contains in practice. */
function pathKey(segments: readonly (string | number)[]): string {
  return segments.join('\u0000');
}

/**
 * Where each value of a loaded Dockfile came from, by JSON path, across included files, so any
 * later stage (schema, semantics, lint) can point at file:line:column.
 */
export class SourceMap {
  private readonly entries = new Map<string, Entry>();
  private readonly lineIndexes = new Map<string, LineIndex>();

  /** Registers a file's text so offsets in it can be turned into lines and columns. */
  addFile(file: string, text: string): void {
    this.lineIndexes.set(file, new LineIndex(text));
  }

  /** Records where the value at `segments` (and its key, when it is a mapping entry) is. */
  record(segments: readonly (string | number)[], value: Span, key?: Span): void {
    this.entries.set(pathKey(segments), key ? { key, value } : { value });
  }

  /** True if the path, exactly, was recorded. */
  has(segments: readonly (string | number)[]): boolean {
    return this.entries.has(pathKey(segments));
  }

  /**
   * The range for a path: its key when `prefer` is 'key' (good for "wrong type" on a long block),
   * else its value. A path that does not exist (a missing property) falls back to its nearest
   * recorded ancestor's key, which is where the user would add it.
   */
  locate(segments: readonly (string | number)[], prefer: 'key' | 'value' = 'value'): SourceRange {
    for (let length = segments.length; length >= 0; length--) {
      const entry = this.entries.get(pathKey(segments.slice(0, length)));
      if (!entry) continue;
      const exact = length === segments.length;
      const span = (exact ? (prefer === 'key' ? entry.key : entry.value) : entry.key) ?? entry.value;
      return this.toRange(span, exact ? undefined : 'first-line');
    }
    return { file: '', line: 1, column: 1, endLine: 1, endColumn: 1 };
  }

  /** The range of a raw span (used for parse errors that have no JSON path). */
  toRange(span: Span, clip?: 'first-line'): SourceRange {
    const index = this.lineIndexes.get(span.file);
    if (!index) return { file: span.file, line: 1, column: 1, endLine: 1, endColumn: 1 };
    const start = index.position(span.start);
    let end = index.position(Math.max(span.start, span.end));
    // A block mapping's value spans many lines; underlining all of it hides the point.
    if (clip === 'first-line' && end.line !== start.line) end = { line: start.line, column: start.column + 1 };
    if (end.line === start.line && end.column <= start.column) end = { line: start.line, column: start.column + 1 };
    return { file: span.file, line: start.line, column: start.column, endLine: end.line, endColumn: end.column };
  }
}
