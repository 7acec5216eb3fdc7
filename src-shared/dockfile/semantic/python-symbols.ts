// Static answer to "does this Python file define a module-level NAME?" for Dockfile entrypoints
// (`pkg.module:build_graph`) and io_schema classes (`app.schemas:InvoiceInput`). User code is
// never executed: a single-pass tokenizer feeds logical lines to a statement matcher that knows
// just enough of the grammar to see module-scope bindings. Files are untrusted, so every loop
// consumes input, nesting is tracked with counters or explicit stacks (never recursion on input
// depth), and the public functions never throw.

import { compareCodeUnits, pickAvailable } from './closest-name';

export type SymbolKind = 'function' | 'async-function' | 'class' | 'assignment' | 'import' | 'export-default' | 're-export';

export type SymbolLookup =
  | { status: 'found'; kind: SymbolKind; line: number; column: number }
  | { status: 'missing'; available: string[] }
  | { status: 'unknown'; reason: string };

/** A binding seen in the source: `start` is the offset of the bound name. */
export interface SymbolDefinition {
  name: string;
  kind: SymbolKind;
  start: number;
}

/** Reason given when analysis itself failed; kept distinct so callers never block on our bug. */
export const ANALYSIS_FAILED_REASON = 'The file could not be analysed statically.';

/** Returns the 1-based line and column (UTF-16 units, BOM not counted) of `offset` in `source`. */
export function positionAt(source: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(offset, source.length);
  for (let i = 0; i < end; i++) {
    const c = source.charCodeAt(i);
    if (c === LF || (c === CR && source.charCodeAt(i + 1) !== LF)) {
      line++;
      lineStart = i + 1;
    }
  }
  const bom = lineStart === 0 && source.charCodeAt(0) === 0xfeff ? 1 : 0;
  return { line, column: offset - lineStart + 1 - bom };
}

/** Builds the `found` answer for a definition. */
export function foundAt(source: string, definition: SymbolDefinition): SymbolLookup {
  return { status: 'found', kind: definition.kind, ...positionAt(source, definition.start) };
}

/** Shortens user text quoted in a reason so a hostile file cannot produce a megabyte message. */
export function quoteForReason(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ');
  return oneLine.length > 80 ? `${oneLine.slice(0, 77)}...` : oneLine;
}

const LF = 10;
const CR = 13;
const TAB = 9;
const VT = 11;
const FF = 12;
const SPACE = 32;
const HASH = 35;
const BACKSLASH = 92;
const QUOTE_SINGLE = 39;
const QUOTE_DOUBLE = 34;
const LBRACE = 123;
const RBRACE = 125;
const LPAREN = 40;
const RPAREN = 41;
const LBRACKET = 91;
const RBRACKET = 93;
const COLON = 58;
const DOT = 46;

/** Past this, a logical line is data (a huge literal); its head still holds any binding. */
const MAX_LINE_TOKENS = 50_000;
/** Tuple targets nest a level or two in real code; the cap only bounds hostile input. */
const MAX_TARGET_NESTING = 16;

const KEYWORDS = new Set([
  'False', 'None', 'True', 'and', 'as', 'assert', 'async', 'await', 'break', 'class', 'continue', 'def', 'del', 'elif',
  'else', 'except', 'finally', 'for', 'from', 'global', 'if', 'import', 'in', 'is', 'lambda', 'nonlocal', 'not', 'or',
  'pass', 'raise', 'return', 'try', 'while', 'with', 'yield',
]);

// Bodies of these stay in module scope (only def/class open a new scope in Python).
const COMPOUND_KEYWORDS = new Set(['if', 'elif', 'else', 'try', 'except', 'finally', 'with', 'for', 'while']);
const SOFT_COMPOUND_KEYWORDS = new Set(['match', 'case']);

const STRING_PREFIXES = new Set(['r', 'u', 'b', 'f', 't', 'br', 'rb', 'fr', 'rf', 'tr', 'rt']);

// Three-character operators first so the longest match wins; only `=` must be told apart exactly.
const OPERATORS = ['**=', '//=', '>>=', '<<=', '...', '->', ':=', '==', '!=', '<=', '>=', '+=', '-=', '*=', '/=', '%=', '&=', '|=', '^=', '@=', '**', '//', '<<', '>>'];

type PyTokenType = 'name' | 'op' | 'string' | 'other';

interface PyToken {
  type: PyTokenType;
  value: string;
  start: number;
}

interface StarImport {
  module: string;
  start: number;
}

interface PythonScan {
  definitions: SymbolDefinition[];
  starImports: StarImport[];
}

const isIdentStart = (c: number): boolean =>
  (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || (c >= 0x80 && c !== 0xa0 && c !== 0xfeff);
const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const isIdentPart = (c: number): boolean => isIdentStart(c) || isDigit(c);
const isNewline = (c: number): boolean => c === LF || c === CR;

function skipNewline(source: string, i: number): number {
  return source.charCodeAt(i) === CR && source.charCodeAt(i + 1) === LF ? i + 2 : i + 1;
}

function skipToLineEnd(source: string, i: number): number {
  let j = i;
  while (j < source.length && !isNewline(source.charCodeAt(j))) j++;
  return j;
}

type StringFrame =
  | { kind: 'string'; quote: number; triple: boolean; formatted: boolean }
  | { kind: 'field'; depth: number }
  | { kind: 'spec' };

/**
 * Returns the offset just past the string literal whose opening quote is at `quoteAt`. f-/t-string
 * replacement fields may nest further strings (PEP 701), so an explicit frame stack follows them.
 * An unterminated single-line string ends at its line end, as the Python tokenizer reports it.
 */
function skipPythonString(source: string, quoteAt: number, prefix: string): number {
  const n = source.length;
  const frames: StringFrame[] = [];
  let singleLineStrings = 0;
  const open = (at: number, stringPrefix: string): number => {
    const quote = source.charCodeAt(at);
    const triple = source.charCodeAt(at + 1) === quote && source.charCodeAt(at + 2) === quote;
    frames.push({ kind: 'string', quote, triple, formatted: stringPrefix.includes('f') || stringPrefix.includes('t') });
    if (!triple) singleLineStrings++;
    return at + (triple ? 3 : 1);
  };
  let i = open(quoteAt, prefix);
  while (i < n) {
    const frame = frames[frames.length - 1];
    if (frame === undefined) return i;
    const c = source.charCodeAt(i);
    if (frame.kind === 'string') {
      if (c === BACKSLASH) {
        i = source.charCodeAt(i + 1) === CR && source.charCodeAt(i + 2) === LF ? i + 3 : i + 2;
      } else if (c === frame.quote) {
        if (!frame.triple) {
          frames.pop();
          singleLineStrings--;
          i++;
        } else if (source.charCodeAt(i + 1) === c && source.charCodeAt(i + 2) === c) {
          frames.pop();
          i += 3;
        } else {
          i++;
        }
      } else if (isNewline(c) && !frame.triple) {
        return i;
      } else if (frame.formatted && c === LBRACE) {
        if (source.charCodeAt(i + 1) === LBRACE) {
          i += 2;
        } else {
          frames.push({ kind: 'field', depth: 0 });
          i++;
        }
      } else {
        i++;
      }
      continue;
    }
    // Inside a replacement field or its format spec: a newline there cannot belong to a
    // single-line string, so stopping at it bounds the damage of an unterminated f-string.
    if (isNewline(c) && singleLineStrings > 0) return i;
    if (frame.kind === 'spec') {
      if (c === LBRACE) frames.push({ kind: 'field', depth: 0 });
      else if (c === RBRACE) frames.pop();
      i++;
      continue;
    }
    if (c === QUOTE_SINGLE || c === QUOTE_DOUBLE) {
      i = open(i, stringPrefixBefore(source, i));
    } else if (c === HASH) {
      i = skipToLineEnd(source, i);
    } else if (c === LBRACE || c === LPAREN || c === LBRACKET) {
      frame.depth++;
      i++;
    } else if (c === RBRACE && frame.depth === 0) {
      frames.pop();
      i++;
    } else if (c === RBRACE || c === RPAREN || c === RBRACKET) {
      frame.depth = Math.max(0, frame.depth - 1);
      i++;
    } else if (c === COLON && frame.depth === 0 && source.charCodeAt(i + 1) !== 61) {
      frames[frames.length - 1] = { kind: 'spec' };
      i++;
    } else {
      i++;
    }
  }
  return n;
}

/** The (lower-cased) string prefix written right before the quote at `quoteAt`, or ''. */
function stringPrefixBefore(source: string, quoteAt: number): string {
  for (const length of [2, 1]) {
    const from = quoteAt - length;
    if (from < 0) continue;
    const candidate = source.slice(from, quoteAt).toLowerCase();
    if (STRING_PREFIXES.has(candidate) && (from === 0 || !isIdentPart(source.charCodeAt(from - 1)))) return candidate;
  }
  return '';
}

// Within brackets a newline does not end a statement, so one unclosed `(` would swallow the rest
// of the file. These keywords cannot occur inside an expression, so one at column 0 means the
// bracket was never closed and a new statement starts (the file would not compile anyway).
const STATEMENT_AT_COLUMN_ZERO = /^(?:(?:async[ \t]+)?def|class|import)[ \t]|^from[ \t]+[\w.]+[ \t]+import[ \t(]/;

function startsNewStatement(source: string, lineStart: number): boolean {
  return STATEMENT_AT_COLUMN_ZERO.test(source.slice(lineStart, lineStart + 120));
}

/** Single pass over `source`: tokenizes and hands each logical line to `onLine`. */
function forEachLogicalLine(source: string, onLine: (tokens: PyToken[], indent: number) => void): void {
  const n = source.length;
  let i = source.charCodeAt(0) === 0xfeff ? 1 : 0;
  let depth = 0;
  let tokens: PyToken[] = [];
  let indent = 0;
  let atLineStart = true;
  const push = (type: PyTokenType, value: string, start: number): void => {
    if (tokens.length < MAX_LINE_TOKENS) tokens.push({ type, value, start });
  };
  const flush = (): void => {
    if (tokens.length > 0) onLine(tokens, indent);
    tokens = [];
    depth = 0;
    atLineStart = true;
  };

  while (i < n) {
    if (atLineStart) {
      let width = 0;
      for (; i < n; i++) {
        const c = source.charCodeAt(i);
        if (c === SPACE) width++;
        else if (c === TAB) width = width - (width % 8) + 8;
        else if (c === FF) width = 0;
        else break;
      }
      if (i >= n) break;
      const c = source.charCodeAt(i);
      if (isNewline(c)) {
        i = skipNewline(source, i);
        continue;
      }
      if (c === HASH) {
        i = skipToLineEnd(source, i);
        continue;
      }
      indent = width;
      atLineStart = false;
    }

    const c = source.charCodeAt(i);
    if (isNewline(c)) {
      i = skipNewline(source, i);
      if (depth === 0 || startsNewStatement(source, i)) flush();
    } else if (c === SPACE || c === TAB || c === FF || c === VT) {
      i++;
    } else if (c === HASH) {
      i = skipToLineEnd(source, i);
    } else if (c === BACKSLASH) {
      i = isNewline(source.charCodeAt(i + 1)) ? skipNewline(source, i + 1) : i + 1;
    } else if (c === QUOTE_SINGLE || c === QUOTE_DOUBLE) {
      push('string', '', i);
      i = skipPythonString(source, i, '');
    } else if (isIdentStart(c)) {
      let j = i + 1;
      while (j < n && isIdentPart(source.charCodeAt(j))) j++;
      const word = source.slice(i, j);
      const next = source.charCodeAt(j);
      if ((next === QUOTE_SINGLE || next === QUOTE_DOUBLE) && STRING_PREFIXES.has(word.toLowerCase())) {
        push('string', '', i);
        i = skipPythonString(source, j, word.toLowerCase());
      } else {
        push('name', word, i);
        i = j;
      }
    } else if (isDigit(c) || (c === DOT && isDigit(source.charCodeAt(i + 1)))) {
      let j = i + 1;
      while (j < n && (isIdentPart(source.charCodeAt(j)) || source.charCodeAt(j) === DOT)) j++;
      push('other', '', i);
      i = j;
    } else if (c === LPAREN || c === LBRACKET || c === LBRACE) {
      depth++;
      push('op', source[i] ?? '', i);
      i++;
    } else if (c === RPAREN || c === RBRACKET || c === RBRACE) {
      depth = Math.max(0, depth - 1);
      push('op', source[i] ?? '', i);
      i++;
    } else {
      const op = OPERATORS.find((candidate) => source.startsWith(candidate, i)) ?? source[i] ?? '';
      push('op', op, i);
      i += op.length;
    }
  }
  flush();
}

const isOp = (token: PyToken | undefined, value: string): boolean => token?.type === 'op' && token.value === value;
const isWord = (token: PyToken | undefined, value: string): boolean => token?.type === 'name' && token.value === value;
// Narrows to a name token (not plain PyToken) so a failed check does not narrow to never.
const isIdentifier = (token: PyToken | undefined): token is PyToken & { type: 'name' } => token?.type === 'name' && !KEYWORDS.has(token.value);

function bracketDelta(token: PyToken): number {
  if (token.type !== 'op') return 0;
  if (token.value === '(' || token.value === '[' || token.value === '{') return 1;
  if (token.value === ')' || token.value === ']' || token.value === '}') return -1;
  return 0;
}

/** Offsets (within [from, to)) of `op` tokens at bracket depth 0. */
function topLevelOps(tokens: PyToken[], from: number, to: number, value: string): number[] {
  const found: number[] = [];
  let depth = 0;
  for (let k = from; k < to; k++) {
    const token = tokens[k];
    if (token === undefined) break;
    depth = Math.max(0, depth + bracketDelta(token));
    if (depth === 0 && isOp(token, value)) found.push(k);
  }
  return found;
}

/** Splits [from, to) at top-level `separator` ops into [start, end) ranges. */
function splitTopLevel(tokens: PyToken[], from: number, to: number, separator: string): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  let start = from;
  for (const at of topLevelOps(tokens, from, to, separator)) {
    ranges.push([start, at]);
    start = at + 1;
  }
  ranges.push([start, to]);
  return ranges;
}

/** Index of the bracket closing the one at `open`, or -1. */
function matchingClose(tokens: PyToken[], open: number, to: number): number {
  let depth = 0;
  for (let k = open; k < to; k++) {
    const token = tokens[k];
    if (token === undefined) return -1;
    depth += bracketDelta(token);
    if (depth === 0) return k;
  }
  return -1;
}

class PythonModuleScanner {
  readonly definitions: SymbolDefinition[] = [];
  readonly starImports: StarImport[] = [];
  /** Indentation of the enclosing module-level def/class header; deeper lines are its body. */
  private opaqueIndent = -1;

  line(tokens: PyToken[], indent: number): void {
    if (this.opaqueIndent >= 0 && indent > this.opaqueIndent) return;
    this.opaqueIndent = -1;
    this.statement(tokens, indent);
  }

  private define(token: PyToken, kind: SymbolKind): void {
    this.definitions.push({ name: token.value, kind, start: token.start });
  }

  private statement(tokens: PyToken[], indent: number): void {
    const first = tokens[0];
    if (first === undefined || isOp(first, '@')) return;
    const isAsync = isWord(first, 'async');
    const head = isAsync ? tokens[1] : first;
    if (isWord(head, 'def') || isWord(head, 'class')) {
      const name = tokens[isAsync ? 2 : 1];
      if (isIdentifier(name)) this.define(name, isWord(head, 'class') ? 'class' : isAsync ? 'async-function' : 'function');
      this.opaqueIndent = indent;
      return;
    }
    const compound =
      (head !== undefined && head.type === 'name' && COMPOUND_KEYWORDS.has(head.value)) ||
      (!isAsync && first.type === 'name' && SOFT_COMPOUND_KEYWORDS.has(first.value) && isSoftCompoundHeader(tokens));
    if (compound) {
      // `try: import x` and `else: x = None` carry their body on the header line.
      const colon = topLevelOps(tokens, 0, tokens.length, ':')[0];
      if (colon !== undefined) this.simpleStatements(tokens, colon + 1, tokens.length);
      return;
    }
    this.simpleStatements(tokens, 0, tokens.length);
  }

  private simpleStatements(tokens: PyToken[], from: number, to: number): void {
    for (const [start, end] of splitTopLevel(tokens, from, to, ';')) {
      if (start < end) this.simpleStatement(tokens, start, end);
    }
  }

  private simpleStatement(tokens: PyToken[], from: number, to: number): void {
    const first = tokens[from];
    if (isWord(first, 'import')) {
      this.importNames(tokens, from + 1, to);
    } else if (isWord(first, 'from')) {
      this.fromImport(tokens, from + 1, to);
    } else if (isWord(first, 'type') && isIdentifier(tokens[from + 1]) && (isOp(tokens[from + 2], '=') || isOp(tokens[from + 2], '['))) {
      const name = tokens[from + 1];
      if (name !== undefined) this.define(name, 'assignment');
    } else {
      const equals = topLevelOps(tokens, from, to, '=');
      let start = from;
      for (const at of equals) {
        this.assignmentTarget(tokens, start, at);
        start = at + 1;
      }
    }
  }

  private importNames(tokens: PyToken[], from: number, to: number): void {
    for (const [start, end] of splitTopLevel(tokens, from, to, ',')) {
      const asAt = findWord(tokens, start, end, 'as');
      const bound = asAt >= 0 ? tokens[asAt + 1] : tokens[start];
      if (isIdentifier(bound)) this.define(bound, 'import');
    }
  }

  private fromImport(tokens: PyToken[], from: number, to: number): void {
    const importAt = findWord(tokens, from, to, 'import');
    if (importAt < 0) return;
    if (isOp(tokens[importAt + 1], '*')) {
      const module = tokens.slice(from, importAt).map((token) => token.value).join('');
      const star = tokens[importAt + 1];
      if (star !== undefined) this.starImports.push({ module, start: star.start });
      return;
    }
    let listStart = importAt + 1;
    let listEnd = to;
    if (isOp(tokens[listStart], '(')) {
      listStart++;
      if (isOp(tokens[listEnd - 1], ')')) listEnd--;
    }
    for (const [start, end] of splitTopLevel(tokens, listStart, listEnd, ',')) {
      if (start >= end) continue;
      const bound = isWord(tokens[start + 1], 'as') ? tokens[start + 2] : tokens[start];
      if (isIdentifier(bound)) this.define(bound, 'import');
    }
  }

  private assignmentTarget(tokens: PyToken[], from: number, to: number): void {
    if (topLevelOps(tokens, from, to, ':').length > 0) {
      // `NAME: Type = value`; an attribute or subscript target binds nothing.
      const name = tokens[from];
      if (isIdentifier(name) && isOp(tokens[from + 1], ':')) this.define(name, 'assignment');
      return;
    }
    if (!isPlainTarget(tokens, from, to)) return;
    this.tupleTarget(tokens, from, to, 0);
  }

  private tupleTarget(tokens: PyToken[], from: number, to: number, level: number): void {
    if (level > MAX_TARGET_NESTING) return;
    for (const [start, end] of splitTopLevel(tokens, from, to, ',')) {
      const head = tokens[start];
      if (head === undefined || start >= end) continue;
      if (end - start === 1 && isIdentifier(head)) {
        this.define(head, 'assignment');
      } else if (end - start === 2 && isOp(head, '*') && isIdentifier(tokens[start + 1])) {
        const name = tokens[start + 1];
        if (name !== undefined) this.define(name, 'assignment');
      } else if ((isOp(head, '(') || isOp(head, '[')) && matchingClose(tokens, start, end) === end - 1) {
        this.tupleTarget(tokens, start + 1, end - 1, level + 1);
      }
    }
  }
}

function findWord(tokens: PyToken[], from: number, to: number, word: string): number {
  for (let k = from; k < to; k++) if (isWord(tokens[k], word)) return k;
  return -1;
}

/**
 * A target made only of names, commas, stars, dots and subscripts. This rejects the `x` in
 * `f = lambda x=1: x`, whose `=` is at depth 0 but is not an assignment.
 */
function isPlainTarget(tokens: PyToken[], from: number, to: number): boolean {
  if (from >= to) return false;
  let depth = 0;
  for (let k = from; k < to; k++) {
    const token = tokens[k];
    if (token === undefined) return false;
    if (token.type === 'name' && KEYWORDS.has(token.value)) return false;
    const delta = bracketDelta(token);
    depth += delta;
    if (depth < 0) return false;
    if (depth === 0 && delta === 0 && token.type !== 'name' && !(token.type === 'op' && (token.value === ',' || token.value === '*' || token.value === '.'))) {
      return false;
    }
  }
  return depth === 0;
}

/** `match x:` / `case 1:` rather than an ordinary statement using `match` or `case` as a name. */
function isSoftCompoundHeader(tokens: PyToken[]): boolean {
  const second = tokens[1];
  if (second === undefined || !isOp(tokens[tokens.length - 1], ':')) return false;
  return !(second.type === 'op' && (second.value === '=' || second.value === '.' || second.value.endsWith('=')));
}

function scanPython(source: string): PythonScan {
  const scanner = new PythonModuleScanner();
  forEachLogicalLine(source, (tokens, indent) => scanner.line(tokens, indent));
  return { definitions: scanner.definitions, starImports: scanner.starImports };
}

/** Finds a top-level definition of `name` in Python source. */
export function findPythonSymbol(source: string, name: string): SymbolLookup {
  try {
    const scan = scanPython(source);
    const definition = scan.definitions.find((candidate) => candidate.name === name);
    if (definition !== undefined) return foundAt(source, definition);
    const star = scan.starImports[0];
    if (star !== undefined) {
      const { line } = positionAt(source, star.start);
      return {
        status: 'unknown',
        reason: `It may be defined by \`from ${quoteForReason(star.module)} import *\` on line ${line}, which cannot be resolved without importing that module.`,
      };
    }
    const names = scan.definitions.map((candidate) => candidate.name);
    const preferred = new Set(scan.definitions.filter((candidate) => candidate.kind !== 'import').map((candidate) => candidate.name));
    return { status: 'missing', available: pickAvailable(name, names, preferred) };
  } catch {
    return { status: 'unknown', reason: ANALYSIS_FAILED_REASON };
  }
}

/** Lists top-level names defined in Python source. */
export function listPythonSymbols(source: string): string[] {
  try {
    return [...new Set(scanPython(source).definitions.map((definition) => definition.name))].sort(compareCodeUnits);
  } catch {
    return [];
  }
}
