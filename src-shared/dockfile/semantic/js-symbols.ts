// Static answer to "does this JS/TS module export NAME?" for Dockfile entrypoints (`src/agent:graph`).
// User code is never executed: a streaming tokenizer (strings, comments, template literals with
// nested `${}`, regex literals) feeds a parser that only looks at statements at bracket depth 0,
// where ES `export` declarations and the usual CommonJS export forms live. Files are untrusted,
// so nesting is tracked with counters or explicit stacks, every loop consumes input, and the
// public functions never throw.

import { compareCodeUnits, pickAvailable } from './closest-name';
import { ANALYSIS_FAILED_REASON, foundAt, quoteForReason } from './python-symbols';
import type { SymbolDefinition, SymbolKind, SymbolLookup } from './python-symbols';

export type { SymbolKind, SymbolLookup } from './python-symbols';

const LF = 10;
const CR = 13;
const SLASH = 47;
const STAR = 42;
const BACKSLASH = 92;
const BACKTICK = 96;
const DOLLAR = 36;
const LBRACE = 123;
const RBRACE = 125;
const LBRACKET = 91;
const RBRACKET = 93;
const DOT = 46;
const HASH = 35;

/** Destructuring nests a level or two in real code; the cap only bounds hostile input. */
const MAX_PATTERN_NESTING = 16;
/** An export specifier is at most `type a as b`; anything longer is kept only in part. */
const MAX_SPECIFIER_TOKENS = 5;

// Longest first, so `===` is not read as `==` + `=`; only a lone `=` matters to the parser.
const PUNCTUATORS = [
  '>>>=', '...', '===', '!==', '**=', '<<=', '>>=', '>>>', '&&=', '||=', '??=',
  '=>', '==', '!=', '<=', '>=', '&&', '||', '??', '?.', '++', '--', '+=', '-=', '*=', '/=', '%=', '&=', '|=', '^=', '**', '<<', '>>',
];

// After these words an expression starts, so a `/` opens a regex rather than dividing.
const REGEX_AFTER_WORDS = new Set(['return', 'typeof', 'instanceof', 'in', 'of', 'new', 'delete', 'void', 'throw', 'case', 'do', 'else', 'yield', 'await', 'extends']);

// A declaration without `;` ends where the next statement starts on a new line (ASI).
const STATEMENT_STARTS = new Set([
  'export', 'import', 'const', 'let', 'var', 'function', 'class', 'async', 'abstract', 'declare', 'enum', 'interface',
  'type', 'namespace', 'module', 'exports', 'if', 'for', 'while', 'do', 'switch', 'try', 'return', 'throw',
]);

type JsTokenType = 'name' | 'punct' | 'string' | 'template' | 'regex' | 'number' | 'private';

interface JsToken {
  type: JsTokenType;
  value: string;
  start: number;
  newlineBefore: boolean;
}

const isIdentStart = (c: number): boolean =>
  (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c === DOLLAR || (c >= 0x80 && !isUnicodeSpace(c));
const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const isIdentPart = (c: number): boolean => isIdentStart(c) || isDigit(c);
const isLineTerminator = (c: number): boolean => c === LF || c === CR || c === 0x2028 || c === 0x2029;
const isUnicodeSpace = (c: number): boolean =>
  c === 0xa0 || c === 0xfeff || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000;
const isSpace = (c: number): boolean => c === 32 || c === 9 || c === 11 || c === 12 || isUnicodeSpace(c);

/**
 * Tokens at template-literal level 0 only: a whole template (with its `${}` parts) comes out as
 * one token, because nothing inside one can declare an export.
 */
class JsLexer {
  private i = 0;
  private readonly n: number;
  /** One brace counter per open `${`, so a `}` can tell "closes a block" from "resumes the template". */
  private readonly templateBraces: number[] = [];
  private templateStart = 0;
  private templateNewline = false;
  private last: JsToken | undefined;
  /** A failed regex scan stopped at this line end; `/` before it is division, keeping the scan linear. */
  private regexBlockedUntil = -1;

  constructor(private readonly src: string) {
    this.n = src.length;
    if (src.charCodeAt(0) === 0xfeff) this.i = 1;
    if (src.startsWith('#!', this.i)) this.skipLine();
  }

  next(): JsToken | undefined {
    for (;;) {
      const outside = this.templateBraces.length === 0;
      const token = this.raw();
      if (token === undefined) return undefined;
      if (this.templateBraces.length === 0) {
        if (outside) return token;
        return { type: 'template', value: '', start: this.templateStart, newlineBefore: this.templateNewline };
      }
      if (outside) {
        this.templateStart = token.start;
        this.templateNewline = token.newlineBefore;
      }
    }
  }

  /** True when `token` is the first character of its line (no indentation). */
  atColumnZero(token: JsToken): boolean {
    return token.start === 0 || isLineTerminator(this.code(token.start - 1));
  }

  private code(at: number): number {
    return this.src.charCodeAt(at);
  }

  private skipLine(): void {
    while (this.i < this.n && !isLineTerminator(this.code(this.i))) this.i++;
  }

  /** Skips whitespace and comments; tells whether a line break was among them. */
  private skipTrivia(): boolean {
    let newline = false;
    while (this.i < this.n) {
      const c = this.code(this.i);
      if (isLineTerminator(c)) {
        newline = true;
        this.i++;
      } else if (isSpace(c)) {
        this.i++;
      } else if (c === SLASH && this.code(this.i + 1) === SLASH) {
        this.skipLine();
      } else if (c === SLASH && this.code(this.i + 1) === STAR) {
        const end = this.src.indexOf('*/', this.i + 2);
        const stop = end < 0 ? this.n : end + 2;
        for (let j = this.i; j < stop && !newline; j++) if (isLineTerminator(this.code(j))) newline = true;
        this.i = stop;
      } else {
        break;
      }
    }
    return newline;
  }

  private make(type: JsTokenType, value: string, start: number, newlineBefore: boolean): JsToken {
    const token = { type, value, start, newlineBefore };
    this.last = token;
    return token;
  }

  private raw(): JsToken | undefined {
    const newline = this.skipTrivia();
    if (this.i >= this.n) return undefined;
    const start = this.i;
    const c = this.code(start);
    const braces = this.templateBraces;
    const top = braces.length - 1;

    if (c === BACKTICK) {
      this.i++;
      return this.templatePart(start, newline);
    }
    if (c === RBRACE && top >= 0) {
      const open = braces[top] ?? 0;
      if (open === 0) {
        braces.pop();
        this.i++;
        return this.templatePart(start, newline);
      }
      braces[top] = open - 1;
    } else if (c === LBRACE && top >= 0) {
      braces[top] = (braces[top] ?? 0) + 1;
    }

    if (isIdentStart(c) || (c === BACKSLASH && this.code(start + 1) === 117)) {
      this.i++;
      while (this.i < this.n) {
        const d = this.code(this.i);
        if (isIdentPart(d)) this.i++;
        else if (d === BACKSLASH && this.code(this.i + 1) === 117) this.i += 2;
        else break;
      }
      return this.make('name', this.src.slice(start, this.i), start, newline);
    }
    if (c === HASH && isIdentStart(this.code(start + 1))) {
      this.i++;
      while (this.i < this.n && isIdentPart(this.code(this.i))) this.i++;
      return this.make('private', this.src.slice(start, this.i), start, newline);
    }
    if (isDigit(c) || (c === DOT && isDigit(this.code(start + 1)))) {
      this.i++;
      while (this.i < this.n && (isIdentPart(this.code(this.i)) || this.code(this.i) === DOT)) this.i++;
      return this.make('number', this.src.slice(start, this.i), start, newline);
    }
    if (c === 39 || c === 34) return this.stringLiteral(start, c, newline);
    if (c === SLASH && start >= this.regexBlockedUntil && regexAllowedAfter(this.last)) {
      const end = this.regexEnd(start);
      if (end > 0) {
        this.i = end;
        return this.make('regex', this.src.slice(start, end), start, newline);
      }
    }
    const punct = PUNCTUATORS.find((candidate) => this.src.startsWith(candidate, start)) ?? this.src[start] ?? '';
    this.i += punct.length;
    return this.make('punct', punct, start, newline);
  }

  /** Scans template text from `this.i` up to the closing backtick or the next `${`. */
  private templatePart(start: number, newline: boolean): JsToken {
    while (this.i < this.n) {
      const c = this.code(this.i);
      if (c === BACKSLASH) {
        this.i += 2;
      } else if (c === BACKTICK) {
        this.i++;
        return this.make('template', '', start, newline);
      } else if (c === DOLLAR && this.code(this.i + 1) === LBRACE) {
        this.i += 2;
        this.templateBraces.push(0);
        // An expression follows, so report an opener: a `/` right after it starts a regex.
        return this.make('punct', '${', start, newline);
      } else {
        this.i++;
      }
    }
    return this.make('template', '', start, newline);
  }

  /** A string ends at its quote, or (unterminated) at the line end, as engines report it. */
  private stringLiteral(start: number, quote: number, newline: boolean): JsToken {
    let j = start + 1;
    while (j < this.n) {
      const c = this.code(j);
      if (c === BACKSLASH) {
        j += this.code(j + 1) === CR && this.code(j + 2) === LF ? 3 : 2;
      } else if (c === quote) {
        this.i = j + 1;
        return this.make('string', this.src.slice(start + 1, j), start, newline);
      } else if (c === LF || c === CR) {
        break;
      } else {
        j++;
      }
    }
    this.i = Math.min(j, this.n);
    return this.make('string', this.src.slice(start + 1, this.i), start, newline);
  }

  /** End offset of a regex literal starting at `start`, or -1 when the line ends first. */
  private regexEnd(start: number): number {
    let inClass = false;
    let j = start + 1;
    while (j < this.n) {
      const c = this.code(j);
      if (isLineTerminator(c)) break;
      if (c === BACKSLASH) {
        j += 2;
        continue;
      }
      if (c === LBRACKET) inClass = true;
      else if (c === RBRACKET) inClass = false;
      else if (c === SLASH && !inClass) {
        j++;
        while (j < this.n && isIdentPart(this.code(j))) j++;
        return j;
      }
      j++;
    }
    this.regexBlockedUntil = j;
    return -1;
  }
}

function regexAllowedAfter(previous: JsToken | undefined): boolean {
  if (previous === undefined) return true;
  switch (previous.type) {
    case 'name':
      return REGEX_AFTER_WORDS.has(previous.value);
    case 'punct':
      // After `}` a statement usually starts; a regex misread as division could unbalance brackets.
      return !(previous.value === ')' || previous.value === ']' || previous.value === '++' || previous.value === '--');
    default:
      return false;
  }
}

/** Pull parser over the lexer with a small look-ahead buffer and a bracket-depth counter. */
class TokenStream {
  depth = 0;
  previous: JsToken | undefined;
  private readonly buffer: JsToken[] = [];
  private ended = false;

  constructor(private readonly lexer: JsLexer) {}

  /**
   * An unindented `export` or `module.exports` starts a top-level statement in any formatted
   * file. Resetting the depth there heals drift from what the tokenizer cannot know without a
   * full parser (an apostrophe in JSX text, a misread regex), so one bad line does not hide
   * every export below it.
   */
  private resyncAt(token: JsToken): void {
    if (token.type === 'name' && (token.value === 'export' || token.value === 'module') && this.lexer.atColumnZero(token)) {
      if (token.value === 'export' || isName(this.peek(2), 'exports')) this.depth = 0;
    }
  }

  peek(ahead = 0): JsToken | undefined {
    while (this.buffer.length <= ahead && !this.ended) {
      const token = this.lexer.next();
      if (token === undefined) this.ended = true;
      else this.buffer.push(token);
    }
    const token = this.buffer[ahead];
    // Every loop peeks before consuming, so resyncing here also ends any skip in progress.
    if (ahead === 0 && token !== undefined && this.depth > 0) this.resyncAt(token);
    return token;
  }

  next(): JsToken | undefined {
    const token = this.peek();
    if (token === undefined) return undefined;
    this.buffer.shift();
    if (token.type === 'punct') {
      if (token.value === '{' || token.value === '(' || token.value === '[') this.depth++;
      else if (token.value === '}' || token.value === ')' || token.value === ']') this.depth = Math.max(0, this.depth - 1);
    }
    this.previous = token;
    return token;
  }

  /** Consumes a bracketed group starting at the current `{`, `(` or `[`. */
  skipGroup(): void {
    const base = this.depth;
    this.next();
    while (this.peek() !== undefined && this.depth > base) this.next();
  }

  /** Consumes up to (not including) a `,` or `closer` at depth `base`, or until leaving `base`. */
  skipToElementEnd(base: number, closer: string): void {
    for (let token = this.peek(); token !== undefined && this.depth >= base; token = this.peek()) {
      if (this.depth === base && token.type === 'punct' && (token.value === ',' || token.value === closer)) return;
      this.next();
    }
  }
}

const isPunct = (token: JsToken | undefined, value: string): boolean => token?.type === 'punct' && token.value === value;
// Guards narrow to a token *of that type*, so a failed check does not narrow the operand to never.
type NameToken = JsToken & { type: 'name' };
type ModuleNameToken = JsToken & { type: 'name' | 'string' };

const isName = (token: JsToken | undefined, value?: string): token is NameToken =>
  token?.type === 'name' && (value === undefined || token.value === value);
/** A name or string usable as an export name (`export { a as "b c" }`). */
const isModuleName = (token: JsToken | undefined): token is ModuleNameToken => token?.type === 'name' || token?.type === 'string';

interface ExportEntry {
  name: string;
  start: number;
  /** Known from the syntax; otherwise resolved from `local` once the whole file is read. */
  kind?: SymbolKind;
  local?: string;
}

interface StarExport {
  reason: string;
  /** `export *` never re-exports `default`; `module.exports = require(...)` replaces everything. */
  coversDefault: boolean;
}

class JsModuleScanner {
  readonly exports: ExportEntry[] = [];
  readonly locals = new Map<string, SymbolKind>();
  readonly stars: StarExport[] = [];
  /** `module.exports = someValue`: its properties cannot be listed without running the code. */
  opaqueReason: string | undefined;

  constructor(private readonly s: TokenStream) {}

  run(): void {
    const s = this.s;
    for (let token = s.peek(); token !== undefined; token = s.peek()) {
      if (s.depth === 0 && token.type === 'name' && this.statement(token)) continue;
      s.next();
    }
  }

  private exported(token: JsToken, kind: SymbolKind | undefined, local?: string): void {
    const entry: ExportEntry = { name: token.value, start: token.start + (token.type === 'string' ? 1 : 0) };
    if (kind !== undefined) entry.kind = kind;
    if (local !== undefined) entry.local = local;
    this.exports.push(entry);
  }

  private declareLocal(token: JsToken | undefined, kind: SymbolKind): void {
    if (isName(token) && !this.locals.has(token.value)) this.locals.set(token.value, kind);
  }

  /** Handles a statement starting at `token` (depth 0); returns false when nothing was consumed. */
  private statement(token: JsToken): boolean {
    const s = this.s;
    const afterDot = isPunct(s.previous, '.') || isPunct(s.previous, '?.');
    if (token.value === '__exportStar' || token.value === '__export') return this.compiledStarExport();
    if (afterDot) return false;
    switch (token.value) {
      case 'export':
        s.next();
        this.exportDeclaration(token);
        return true;
      case 'import':
        s.next();
        this.importDeclaration();
        return true;
      case 'module':
        if (isPunct(s.peek(1), '.') && isName(s.peek(2), 'exports')) {
          s.next();
          s.next();
          s.next();
          this.moduleExports(token);
          return true;
        }
        return this.declaration(undefined);
      case 'exports':
        s.next();
        this.memberAssignment();
        return true;
      case 'Object':
        return this.defineProperty();
      default:
        return this.declaration(undefined);
    }
  }

  /**
   * Reads a declaration at the current token. With `exportToken` it is exported; either way its
   * names become locals so `export { name }` can report what `name` is.
   */
  private declaration(exportToken: JsToken | undefined): boolean {
    const s = this.s;
    const token = s.peek();
    if (!isName(token)) return false;
    const record = (name: JsToken | undefined, kind: SymbolKind): void => {
      this.declareLocal(name, kind);
      if (exportToken !== undefined && isModuleName(name)) this.exported(name, kind);
    };
    const next = s.peek(1);
    switch (token.value) {
      case 'function':
        s.next();
        if (isPunct(s.peek(), '*')) s.next();
        if (isName(s.peek())) record(s.next(), 'function');
        return true;
      case 'async':
        if (!isName(next, 'function') || next.newlineBefore) return false;
        s.next();
        s.next();
        if (isPunct(s.peek(), '*')) s.next();
        if (isName(s.peek())) record(s.next(), 'async-function');
        return true;
      case 'abstract':
        if (!isName(next, 'class')) return false;
        s.next();
        return this.declaration(exportToken);
      case 'class':
        s.next();
        if (isName(s.peek()) && !isName(s.peek(), 'extends') && !isName(s.peek(), 'implements')) record(s.next(), 'class');
        return true;
      case 'const':
      case 'let':
      case 'var':
        // `const enum` is erased by the compiler; `let` alone may be an identifier.
        if (isName(next, 'enum')) return false;
        if (!(isName(next) || isPunct(next, '{') || isPunct(next, '['))) return false;
        s.next();
        this.declarators((name) => record(name, 'assignment'));
        return true;
      case 'enum':
      case 'namespace':
        if (!isName(next) || next.newlineBefore) return false;
        s.next();
        record(s.next(), 'assignment');
        return true;
      case 'module':
        if (!isName(next) || next.newlineBefore) return false;
        s.next();
        record(s.next(), 'assignment');
        return true;
      case 'declare':
        if (!isName(next) || next.newlineBefore) return false;
        s.next();
        if (exportToken !== undefined) this.declaration(exportToken);
        return true;
      default:
        return false;
    }
  }

  private exportDeclaration(exportToken: JsToken): void {
    const s = this.s;
    this.skipDecorators();
    const token = s.peek();
    if (token === undefined) return;
    if (isPunct(token, '{')) {
      this.exportClause();
      return;
    }
    if (isPunct(token, '*')) {
      s.next();
      if (isName(s.peek(), 'as')) {
        s.next();
        const name = s.next();
        if (isModuleName(name)) this.exported(name, 're-export');
        return;
      }
      if (isName(s.peek(), 'from')) s.next();
      const module = s.peek();
      const from = module?.type === 'string' ? ` from '${quoteForReason(module.value)}'` : '';
      this.stars.push({ reason: `It may be re-exported by \`export *${from}\`, which cannot be checked without reading that module.`, coversDefault: false });
      return;
    }
    if (isPunct(token, '=')) {
      // TypeScript `export = value` is the CommonJS default export.
      s.next();
      this.exports.push({ name: 'default', start: exportToken.start, kind: 'export-default' });
      return;
    }
    if (!isName(token)) return;
    switch (token.value) {
      case 'default':
        s.next();
        this.defaultExport(token);
        return;
      case 'type':
      case 'interface':
        // Types have no runtime value, so they cannot be an entrypoint.
        return;
      case 'as':
        return;
      case 'import': {
        // TypeScript `export import Alias = Some.Namespace`.
        s.next();
        const name = s.peek();
        if (isName(name)) {
          s.next();
          this.declareLocal(name, 'import');
          this.exported(name, 'import');
        }
        return;
      }
      default:
        this.declaration(exportToken);
    }
  }

  private defaultExport(defaultToken: JsToken): void {
    const s = this.s;
    this.skipDecorators();
    const token = s.peek();
    const next = s.peek(1);
    if (isName(token, 'interface')) return;
    let kind: SymbolKind = 'export-default';
    if (isName(token, 'function')) kind = 'function';
    else if (isName(token, 'async') && isName(next, 'function') && !next.newlineBefore) kind = 'async-function';
    else if (isName(token, 'class') || (isName(token, 'abstract') && isName(next, 'class'))) kind = 'class';
    this.exports.push({ name: 'default', start: defaultToken.start, kind });
    // A named default function/class is also a local binding.
    if (kind !== 'export-default') this.declaration(undefined);
  }

  /** `export { a, b as c, type T }` with an optional `from '...'`. */
  private exportClause(): void {
    const s = this.s;
    const specifiers = this.specifierList();
    const fromModule = isName(s.peek(), 'from') && s.peek(1)?.type === 'string';
    if (fromModule) {
      s.next();
      s.next();
    }
    for (const { tokens, count } of specifiers) {
      const [first, second, third] = tokens;
      if (first === undefined) continue;
      if (isName(first, 'type') && count >= 2 && !(count === 3 && isName(second, 'as'))) continue;
      const renamed = count >= 3 && isName(second, 'as');
      const exportedName = renamed ? third : first;
      if (!isModuleName(exportedName)) continue;
      if (fromModule) this.exported(exportedName, 're-export');
      else this.exported(exportedName, undefined, first.value);
    }
  }

  /** Reads `{ ... }` specifiers (for import and export clauses) as short token lists. */
  private specifierList(): Array<{ tokens: JsToken[]; count: number }> {
    const s = this.s;
    s.next();
    const base = s.depth;
    const specifiers: Array<{ tokens: JsToken[]; count: number }> = [];
    let current = { tokens: [] as JsToken[], count: 0 };
    for (let token = s.peek(); token !== undefined && s.depth >= base; token = s.peek()) {
      if (s.depth === base && isPunct(token, '}')) {
        s.next();
        break;
      }
      s.next();
      if (s.depth === base && isPunct(token, ',')) {
        specifiers.push(current);
        current = { tokens: [], count: 0 };
        continue;
      }
      if (current.tokens.length < MAX_SPECIFIER_TOKENS) current.tokens.push(token);
      current.count++;
    }
    specifiers.push(current);
    return specifiers;
  }

  private importDeclaration(): void {
    const s = this.s;
    const token = s.peek();
    if (token === undefined || isPunct(token, '(') || isPunct(token, '.') || token.type === 'string') return;
    const next = s.peek(1);
    if (isName(token, 'type') && (isPunct(next, '{') || isPunct(next, '*') || (isName(next) && next.value !== 'from'))) return;
    if (isName(token)) {
      // Default import, or TypeScript `import x = require('...')`.
      s.next();
      this.declareLocal(token, 'import');
      if (!isPunct(s.peek(), ',')) return;
      s.next();
    }
    if (isPunct(s.peek(), '*')) {
      s.next();
      if (isName(s.peek(), 'as')) {
        s.next();
        this.declareLocal(s.next(), 'import');
      }
    } else if (isPunct(s.peek(), '{')) {
      for (const { tokens, count } of this.specifierList()) {
        const [first, second, third] = tokens;
        if (first === undefined) continue;
        if (isName(first, 'type') && count >= 2 && !(count === 3 && isName(second, 'as'))) continue;
        this.declareLocal(count >= 3 && isName(second, 'as') ? third : first, 'import');
      }
    }
  }

  /** `const a = 1, { b, c: d } = obj, [e] = arr` (and `let`/`var`), binding each declared name. */
  private declarators(bind: (name: JsToken) => void): void {
    const s = this.s;
    const base = s.depth;
    for (;;) {
      const target = s.peek();
      if (isName(target)) bind(s.next() ?? target);
      else if (isPunct(target, '{') || isPunct(target, '[')) this.pattern(bind, 0);
      else return;
      if (isPunct(s.peek(), '!')) s.next();
      if (isPunct(s.peek(), ':')) {
        s.next();
        this.skipTypeAnnotation(base);
      }
      // The initializer (if any), then either `, nextDeclarator` or the end of the statement.
      for (;;) {
        this.skipExpression(base);
        if (!isPunct(s.peek(), ',') || s.depth !== base) return;
        s.next();
        if (this.looksLikeDeclarator()) break;
      }
    }
  }

  /**
   * After a top-level comma: a following `name =`/`name,`/`name;` or pattern is another
   * declarator, while the `B` of `f<A, B>()` is not (it is followed by `>`).
   */
  private looksLikeDeclarator(): boolean {
    const s = this.s;
    const token = s.peek();
    if (isPunct(token, '{') || isPunct(token, '[')) return true;
    if (!isName(token)) return false;
    const after = s.peek(1);
    if (after === undefined || after.newlineBefore) return true;
    return after.type === 'punct' && ['=', ':', ',', ';', '!'].includes(after.value);
  }

  private atStatementEnd(token: JsToken, base: number): boolean {
    if (this.s.depth < base) return true;
    if (this.s.depth > base) return false;
    if (token.type === 'punct') return token.value === ',' || token.value === ';';
    return token.newlineBefore && token.type === 'name' && STATEMENT_STARTS.has(token.value);
  }

  private skipExpression(base: number): void {
    const s = this.s;
    for (let token = s.peek(); token !== undefined && !this.atStatementEnd(token, base); token = s.peek()) s.next();
  }

  /** Skips `: Type` up to its `=`; `<...>` is tracked here because `Map<K, V>` has a bare comma. */
  private skipTypeAnnotation(base: number): void {
    const s = this.s;
    let angles = 0;
    for (let token = s.peek(); token !== undefined; token = s.peek()) {
      if (s.depth < base || (s.depth === base && isPunct(token, ';'))) return;
      if (s.depth === base && angles === 0 && (isPunct(token, '=') || this.atStatementEnd(token, base))) return;
      if (token.type === 'punct' && s.depth === base) {
        if (token.value === '<') angles++;
        else if (/^>+$/.test(token.value)) angles = Math.max(0, angles - token.value.length);
      }
      s.next();
    }
  }

  /** Binds the names of an object or array destructuring pattern at the current `{` or `[`. */
  private pattern(bind: (name: JsToken) => void, level: number): void {
    const s = this.s;
    if (level > MAX_PATTERN_NESTING) {
      s.skipGroup();
      return;
    }
    const isObject = isPunct(s.next(), '{');
    const closer = isObject ? '}' : ']';
    const base = s.depth;
    for (let token = s.peek(); token !== undefined && s.depth >= base; token = s.peek()) {
      if (s.depth > base) {
        s.next();
        continue;
      }
      if (isPunct(token, closer)) {
        s.next();
        return;
      }
      if (isPunct(token, ',')) {
        s.next();
        continue;
      }
      if (isPunct(token, '...')) {
        s.next();
        this.patternTarget(bind, level);
      } else if (isObject) {
        if (isPunct(token, '[')) s.skipGroup();
        else s.next();
        if (isPunct(s.peek(), ':')) {
          s.next();
          this.patternTarget(bind, level);
        } else if (isName(token)) {
          bind(token);
        }
      } else {
        this.patternTarget(bind, level);
      }
      // Default values (`{ a = 1 }`) and anything unexpected.
      s.skipToElementEnd(base, closer);
    }
  }

  private patternTarget(bind: (name: JsToken) => void, level: number): void {
    const s = this.s;
    const token = s.peek();
    if (isName(token)) {
      s.next();
      bind(token);
    } else if (isPunct(token, '{') || isPunct(token, '[')) {
      this.pattern(bind, level + 1);
    }
  }

  /** `@decorator`, `@a.b`, `@a(...)` before a class. */
  private skipDecorators(): void {
    const s = this.s;
    while (isPunct(s.peek(), '@')) {
      s.next();
      while (isName(s.peek()) || isPunct(s.peek(), '.')) s.next();
      if (isPunct(s.peek(), '(')) s.skipGroup();
    }
  }

  /** After `module.exports`: `= value`, `.name =` or `['name'] =`. */
  private moduleExports(moduleToken: JsToken): void {
    const s = this.s;
    const token = s.peek();
    if (isPunct(token, '=')) {
      s.next();
      this.moduleExportsValue(moduleToken);
    } else {
      this.memberAssignment();
    }
  }

  private moduleExportsValue(moduleToken: JsToken): void {
    const s = this.s;
    const value = s.peek();
    const next = s.peek(1);
    let kind: SymbolKind = 'export-default';
    if (isName(value, 'function')) kind = 'function';
    else if (isName(value, 'async') && isName(next, 'function')) kind = 'async-function';
    else if (isName(value, 'class')) kind = 'class';
    this.exports.push({ name: 'default', start: moduleToken.start, kind });
    if (isPunct(value, '{')) {
      this.objectExports();
    } else if (isName(value, 'require') && isPunct(next, '(')) {
      const module = s.peek(2);
      const quoted = module?.type === 'string' ? `'${quoteForReason(module.value)}'` : '...';
      this.stars.push({
        reason: `It may come from \`module.exports = require(${quoted})\`, which cannot be checked without reading that module.`,
        coversDefault: false,
      });
    } else if (kind === 'export-default' && !(isName(value, 'async') || (isName(value) && isPunct(next, '=>')))) {
      this.opaqueReason ??= 'module.exports is assigned a value whose properties cannot be listed without running the code.';
    }
  }

  /** `module.exports = { a, b: value, c() {}, ...other }`: its top-level keys are the exports. */
  private objectExports(): void {
    const s = this.s;
    s.next();
    const base = s.depth;
    for (let token = s.peek(); token !== undefined && s.depth >= base; token = s.peek()) {
      if (s.depth > base) {
        s.next();
        continue;
      }
      if (isPunct(token, '}')) {
        s.next();
        return;
      }
      if (isPunct(token, ',')) {
        s.next();
        continue;
      }
      if (isPunct(token, '...')) {
        this.stars.push({
          reason: 'It may come from a spread (`...`) in `module.exports = {...}`, which cannot be resolved statically.',
          coversDefault: false,
        });
        s.skipToElementEnd(base, '}');
        continue;
      }
      let isAsync = false;
      const following = s.peek(1);
      if (isName(token) && ['async', 'get', 'set'].includes(token.value) && following !== undefined && !following.newlineBefore && (isModuleName(following) || following.type === 'number' || isPunct(following, '*') || isPunct(following, '['))) {
        isAsync = token.value === 'async';
        s.next();
      }
      if (isPunct(s.peek(), '*')) s.next();
      const key = s.peek();
      if (isPunct(key, '[')) {
        s.skipGroup();
      } else if (key !== undefined && (isModuleName(key) || key.type === 'number')) {
        s.next();
        const after = s.peek();
        if (s.depth === base && (isPunct(after, ',') || isPunct(after, '}'))) {
          if (isName(key)) this.exported(key, undefined, key.value);
        } else if (isPunct(after, ':')) {
          this.exported(key, 'assignment');
        } else if (isPunct(after, '(')) {
          this.exported(key, isAsync ? 'async-function' : 'function');
        }
      }
      s.skipToElementEnd(base, '}');
    }
  }

  /** After `exports` (or `module.exports`): `.name = ` or `['name'] = `. */
  private memberAssignment(): void {
    const s = this.s;
    let name: JsToken | undefined;
    if (isPunct(s.peek(), '.') && isName(s.peek(1))) {
      s.next();
      name = s.next();
    } else if (isPunct(s.peek(), '[') && s.peek(1)?.type === 'string' && isPunct(s.peek(2), ']')) {
      s.next();
      name = s.next();
      s.next();
    }
    if (name !== undefined && isPunct(s.peek(), '=')) {
      s.next();
      this.exported(name, name.value === 'default' ? 'export-default' : 'assignment');
    }
  }

  /** `Object.defineProperty(exports, 'name', ...)`, as emitted by TypeScript and Babel. */
  private defineProperty(): boolean {
    const s = this.s;
    if (!isPunct(s.peek(1), '.') || !isName(s.peek(2), 'defineProperty') || !isPunct(s.peek(3), '(')) return false;
    let at = 4;
    if (isName(s.peek(at), 'module') && isPunct(s.peek(at + 1), '.') && isName(s.peek(at + 2), 'exports')) at += 3;
    else if (isName(s.peek(at), 'exports')) at += 1;
    else return false;
    const name = s.peek(at + 1);
    if (!isPunct(s.peek(at), ',') || name?.type !== 'string') return false;
    for (let k = 0; k <= at; k++) s.next();
    if (name.value !== '__esModule') this.exported(name, 'assignment');
    return true;
  }

  /** TypeScript's compiled `__exportStar(require('./m'), exports)`. */
  private compiledStarExport(): boolean {
    const s = this.s;
    if (!isPunct(s.peek(1), '(')) return false;
    const module = isName(s.peek(2), 'require') && isPunct(s.peek(3), '(') ? s.peek(4) : undefined;
    const quoted = module?.type === 'string' ? `('${quoteForReason(module.value)}')` : '(...)';
    this.stars.push({
      reason: `It may be re-exported by a compiled \`__exportStar(require${quoted})\` call, which cannot be checked without reading that module.`,
      coversDefault: false,
    });
    s.next();
    return true;
  }
}

interface JsScan {
  definitions: SymbolDefinition[];
  stars: StarExport[];
  opaqueReason: string | undefined;
}

function scanJs(source: string): JsScan {
  const scanner = new JsModuleScanner(new TokenStream(new JsLexer(source)));
  scanner.run();
  const definitions = scanner.exports.map((entry): SymbolDefinition => {
    const local = entry.local === undefined ? undefined : scanner.locals.get(entry.local);
    const kind = entry.kind ?? local ?? (entry.name === 'default' ? 'export-default' : 'assignment');
    return { name: entry.name, kind, start: entry.start };
  });
  return { definitions, stars: scanner.stars, opaqueReason: scanner.opaqueReason };
}

/**
 * Finds an export named `name` ('default' for the default export) in JS/TS module source.
 * Declarations report their own kind (`export default function` is 'function'); other default
 * exports are 'export-default'.
 */
export function findJsExport(source: string, name: string): SymbolLookup {
  try {
    const scan = scanJs(source);
    const definition = scan.definitions.find((candidate) => candidate.name === name);
    if (definition !== undefined) return foundAt(source, definition);
    const star = scan.stars.find((candidate) => name !== 'default' || candidate.coversDefault);
    if (star !== undefined) return { status: 'unknown', reason: star.reason };
    if (scan.opaqueReason !== undefined && name !== 'default') return { status: 'unknown', reason: scan.opaqueReason };
    const names = scan.definitions.map((candidate) => candidate.name);
    const preferred = new Set(scan.definitions.filter((candidate) => candidate.kind !== 're-export').map((candidate) => candidate.name));
    return { status: 'missing', available: pickAvailable(name, names, preferred) };
  } catch {
    return { status: 'unknown', reason: ANALYSIS_FAILED_REASON };
  }
}

/** Lists export names of a JS/TS module. */
export function listJsExports(source: string): string[] {
  try {
    return [...new Set(scanJs(source).definitions.map((definition) => definition.name))].sort(compareCodeUnits);
  } catch {
    return [];
  }
}
