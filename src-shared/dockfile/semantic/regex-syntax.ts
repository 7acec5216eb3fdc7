// A small regular-expression parser for redact patterns. It exists so that patterns can be
// translated from the Python `re` syntax users write into JavaScript source, and analysed
// statically, without handing untrusted text to a regex engine first. Recursion is bounded by
// MAX_NESTING, so hostile input fails fast with an error instead of overflowing the stack.

/** Code points as sorted, disjoint, non-adjacent inclusive ranges: [lo0, hi0, lo1, hi1, ...]. */
export type CharSet = readonly number[];

const MAX_CP = 0x10ffff;

function normalize(flat: readonly number[]): CharSet {
  const pairs: Array<[number, number]> = [];
  for (let k = 0; k + 1 < flat.length; k += 2) pairs.push([flat[k]!, flat[k + 1]!]);
  pairs.sort((x, y) => x[0] - y[0]);
  const out: number[] = [];
  for (const [lo, hi] of pairs) {
    const n = out.length;
    if (n > 0 && lo <= out[n - 1]! + 1) out[n - 1] = Math.max(out[n - 1]!, hi);
    else out.push(lo, hi);
  }
  return out;
}

/** Union of two sets. */
export function unionSets(a: CharSet, b: CharSet): CharSet {
  return normalize([...a, ...b]);
}

/** Intersection of two sets. */
export function intersectSets(a: CharSet, b: CharSet): CharSet {
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const lo = Math.max(a[i]!, b[j]!);
    const hi = Math.min(a[i + 1]!, b[j + 1]!);
    if (lo <= hi) out.push(lo, hi);
    if (a[i + 1]! < b[j + 1]!) i += 2;
    else j += 2;
  }
  return out;
}

/** Complement within the whole code-point range. */
export function complementSet(a: CharSet): CharSet {
  const out: number[] = [];
  let next = 0;
  for (let k = 0; k < a.length; k += 2) {
    if (a[k]! > next) out.push(next, a[k]! - 1);
    next = a[k + 1]! + 1;
  }
  if (next <= MAX_CP) out.push(next, MAX_CP);
  return out;
}

/** True if every code point of `a` is in `b`. */
export function isSubset(a: CharSet, b: CharSet): boolean {
  return intersectSets(a, b).join() === a.join();
}

/** True if the set contains the code point. */
export function setHas(a: CharSet, cp: number): boolean {
  for (let k = 0; k < a.length; k += 2) if (cp >= a[k]! && cp <= a[k + 1]!) return true;
  return false;
}

function size(a: CharSet): number {
  let n = 0;
  for (let k = 0; k < a.length; k += 2) n += a[k + 1]! - a[k]! + 1;
  return n;
}

function forEachCodePoint(a: CharSet, visit: (cp: number) => void): void {
  for (let k = 0; k < a.length; k += 2) for (let cp = a[k]!; cp <= a[k + 1]!; cp++) visit(cp);
}

/** The representative of a code point's case class (k, K and the Kelvin sign all give k). */
function canonicalCase(cp: number): number {
  const ch = String.fromCodePoint(cp);
  for (const candidate of [ch.toUpperCase().toLowerCase(), ch.toLowerCase()]) {
    const c = candidate.codePointAt(0)!;
    if (candidate.length === (c > 0xffff ? 2 : 1)) return c;
  }
  return cp;
}

const CASE_LIMIT = 1024;
const caseCache = new Map<string, CharSet>();

// Exact for sets (or complements) up to CASE_LIMIT code points; beyond that it over-approximates,
// which for overlap tests only costs a warning, never hides one.
/** Maps a set to the case classes it touches: under the `i` flag two sets overlap iff their images do. */
export function caseImage(a: CharSet): CharSet {
  const key = a.join();
  const cached = caseCache.get(key);
  if (cached) return cached;
  const out: number[] = [];
  const add = (cp: number): void => {
    out.push(cp, cp);
  };
  if (size(a) <= CASE_LIMIT) {
    forEachCodePoint(a, (cp) => add(canonicalCase(cp)));
  } else {
    forEachCodePoint(intersectSets(a, [0, 0x7f]), (cp) => add(canonicalCase(cp)));
    for (const cp of [0x131, 0x17f, 0x212a]) if (setHas(a, cp)) add(canonicalCase(cp));
    const nonAscii = intersectSets(a, [0x80, MAX_CP]);
    const missing = intersectSets(complementSet(a), [0x80, MAX_CP]);
    out.push(...nonAscii);
    // A code point outside the set is still in its image if it is the representative of a class.
    if (size(missing) <= CASE_LIMIT) {
      forEachCodePoint(missing, (cp) => {
        if (canonicalCase(cp) === cp && String.fromCodePoint(cp).toUpperCase() !== String.fromCodePoint(cp)) add(cp);
      });
    } else {
      out.push(0x80, MAX_CP);
    }
  }
  const image = normalize(out);
  if (caseCache.size > 256) caseCache.clear();
  caseCache.set(key, image);
  return image;
}

export const DIGIT: CharSet = [0x30, 0x39];
export const WORD: CharSet = normalize([0x30, 0x39, 0x41, 0x5a, 0x5f, 0x5f, 0x61, 0x7a]);
// JS WhiteSpace + LineTerminator, the set behind \s in the runtime.
export const SPACE: CharSet = normalize([
  9, 13, 0x20, 0x20, 0xa0, 0xa0, 0x1680, 0x1680, 0x2000, 0x200a, 0x2028, 0x2029, 0x202f, 0x202f, 0x205f, 0x205f,
  0x3000, 0x3000, 0xfeff, 0xfeff,
]);
export const ANY: CharSet = [0, MAX_CP];
const NOT_LINE_TERMINATOR = complementSet([10, 10, 13, 13, 0x2028, 0x2029]);

export interface RegexFlags {
  i: boolean;
  m: boolean;
  s: boolean;
  x: boolean;
}

interface Span {
  start: number;
  end: number;
}
/** A single-character matcher. `classPart` is its text inside a `[...]`, when it can be merged into one. */
export type AtomNode = Span & { type: 'atom'; set: CharSet; js: string; classPart?: string };
export type RepeatNode = Span & { type: 'repeat'; body: RegexNode; min: number; max: number; lazy: boolean };
export type RegexNode =
  | AtomNode
  | RepeatNode
  | (Span & { type: 'assert'; js: string })
  | (Span & { type: 'backref'; js: string })
  | (Span & { type: 'seq'; items: RegexNode[] })
  | (Span & { type: 'alt'; branches: RegexNode[] })
  | (Span & { type: 'group'; open: string; look: boolean; body: RegexNode });

/** 'python' is the Dockfile syntax; 'js' re-reads source this module emitted (or hand-written JS). */
export type Dialect = 'python' | 'js';

export type ParseResult =
  | { ok: true; ast: RegexNode; flags: RegexFlags }
  | { ok: false; message: string; index: number; tooDeep: boolean };

/** Deepest group nesting accepted; real patterns stay in single digits, hostile ones go to 10k. */
export const MAX_NESTING = 100;

class ParseError {
  constructor(
    readonly message: string,
    readonly index: number,
    readonly tooDeep = false,
  ) {}
}

const SYNTAX_CHARS = '^$\\.*+?()[]{}|/';
const CLASS_SPECIAL = '\\]^-[';
const FLAG_LETTERS = 'aiLmsux';
const VERBOSE_SPACE = ' \t\n\r\v\f';
const NAME = /^[\p{ID_Start}_][\p{ID_Continue}]*$/u;
const CLASS_ESCAPES: Record<string, CharSet> = {
  d: DIGIT,
  D: complementSet(DIGIT),
  w: WORD,
  W: complementSet(WORD),
  s: SPACE,
  S: complementSet(SPACE),
};
const CONTROL_ESCAPES: Record<string, [number, string]> = {
  n: [10, '\\n'],
  t: [9, '\\t'],
  r: [13, '\\r'],
  f: [12, '\\f'],
  v: [11, '\\v'],
};

type Escape =
  | { kind: 'char'; cp: number; js: string }
  | { kind: 'set'; set: CharSet; js: string }
  | { kind: 'assert'; js: string }
  | { kind: 'backref'; js: string };

const hex2 = (cp: number): string => '\\x' + cp.toString(16).padStart(2, '0');

function literalJs(cp: number, inClass: boolean): string {
  const ch = String.fromCodePoint(cp);
  if (cp < 0x20 || cp === 0x7f) return hex2(cp);
  if (cp === 0x2028 || cp === 0x2029) return '\\u' + cp.toString(16);
  return (inClass ? CLASS_SPECIAL : SYNTAX_CHARS).includes(ch) ? '\\' + ch : ch;
}

class Parser {
  private i = 0;
  private readonly flags: RegexFlags = { i: false, m: false, s: false, x: false };
  private groupCount = 0;
  private readonly openGroups = new Set<number>();
  private readonly names = new Map<string, boolean>(); // name -> closed

  constructor(
    private readonly src: string,
    private readonly dialect: Dialect,
    jsFlags: string,
  ) {
    this.flags.i = jsFlags.includes('i');
    this.flags.m = jsFlags.includes('m');
    this.flags.s = jsFlags.includes('s');
  }

  run(): ParseResult {
    if (this.dialect === 'python') this.leadingFlags();
    const ast = this.alternation(0);
    if (this.i < this.src.length) {
      this.fail(`unbalanced parenthesis at position ${this.i}: remove this ')' or escape it as \\)`, this.i);
    }
    return { ok: true, ast, flags: this.flags };
  }

  private fail(message: string, index: number, tooDeep = false): never {
    throw new ParseError(message, index, tooDeep);
  }

  private leadingFlags(): void {
    while (this.src.startsWith('(?', this.i)) {
      let j = this.i + 2;
      while (j < this.src.length && FLAG_LETTERS.includes(this.src[j]!)) j++;
      if (j === this.i + 2 || this.src[j] !== ')') return;
      for (const f of this.src.slice(this.i + 2, j)) {
        if (f === 'L') this.fail(`locale flag (?L) at position ${this.i} is not supported: remove it`, this.i);
        // (?a) and (?u) are no-ops: JS classes are already ASCII and the pattern is Unicode-aware.
        if (f === 'i' || f === 'm' || f === 's' || f === 'x') this.flags[f] = true;
      }
      this.i = j + 1;
    }
  }

  private skipVerbose(): void {
    if (!this.flags.x) return;
    while (this.i < this.src.length) {
      const c = this.src[this.i]!;
      if (VERBOSE_SPACE.includes(c)) this.i++;
      else if (c === '#') {
        const nl = this.src.indexOf('\n', this.i);
        this.i = nl < 0 ? this.src.length : nl + 1;
      } else return;
    }
  }

  private alternation(depth: number): RegexNode {
    const start = this.i;
    const branches = [this.sequence(depth)];
    while (this.src[this.i] === '|') {
      this.i++;
      branches.push(this.sequence(depth));
    }
    return branches.length === 1 ? branches[0]! : { type: 'alt', branches, start, end: this.i };
  }

  private sequence(depth: number): RegexNode {
    const start = this.i;
    const items: RegexNode[] = [];
    for (;;) {
      this.skipVerbose();
      const c = this.src[this.i];
      if (c === undefined || c === '|' || c === ')') break;
      if (this.quantifierAt() !== null) {
        this.fail(`nothing to repeat at position ${this.i}: escape it as \\${c} to match a literal '${c}'`, this.i);
      }
      const atom = this.atom(depth);
      if (atom) items.push(this.quantified(atom));
    }
    return items.length === 1 ? items[0]! : { type: 'seq', items, start, end: this.i };
  }

  /** Reads a quantifier at the cursor without consuming it; a '{' that is not one is a literal. */
  private quantifierAt(): { min: number; max: number; end: number } | null {
    const c = this.src[this.i];
    if (c === '*') return { min: 0, max: Infinity, end: this.i + 1 };
    if (c === '+') return { min: 1, max: Infinity, end: this.i + 1 };
    if (c === '?') return { min: 0, max: 1, end: this.i + 1 };
    if (c !== '{') return null;
    const m = /^\{(\d*)(,?)(\d*)\}/.exec(this.src.slice(this.i, this.i + 24));
    if (!m || (m[1] === '' && (m[2] === '' || this.dialect === 'js'))) return null;
    const min = m[1] === '' ? 0 : Number(m[1]);
    const max = m[2] === '' ? min : m[3] === '' ? Infinity : Number(m[3]);
    if (min > 0x7fffffff || (max !== Infinity && max > 0x7fffffff)) {
      this.fail(`repeat count too large at position ${this.i}: use * or + instead`, this.i);
    }
    if (min > max) this.fail(`min repeat greater than max repeat at position ${this.i}: swap the numbers`, this.i);
    return { min, max, end: this.i + m[0].length };
  }

  private quantified(atom: RegexNode): RegexNode {
    this.skipVerbose();
    const q = this.quantifierAt();
    if (!q) return atom;
    if (atom.type === 'assert' || (atom.type === 'group' && atom.look)) {
      this.fail(`nothing to repeat at position ${this.i}: an assertion matches no characters, so it cannot be repeated`, this.i);
    }
    this.i = q.end;
    let lazy = false;
    if (this.src[this.i] === '?') {
      lazy = true;
      this.i++;
    } else if (this.src[this.i] === '+' && this.dialect === 'python') {
      this.fail(`possessive quantifier at position ${this.i - 1} is not supported in JavaScript: drop the second '+'`, this.i - 1);
    }
    this.skipVerbose();
    if (this.quantifierAt() !== null) {
      this.fail(`multiple repeat at position ${this.i}: wrap the repeated part in (?:...) before repeating it again`, this.i);
    }
    return { type: 'repeat', body: atom, min: q.min, max: q.max, lazy, start: atom.start, end: this.i };
  }

  private atom(depth: number): RegexNode | null {
    const start = this.i;
    const cp = this.src.codePointAt(start)!;
    const ch = String.fromCodePoint(cp);
    if (ch === '(') return this.group(depth);
    if (ch === '[') return this.charClass();
    this.i += ch.length;
    if (ch === '.') {
      return { type: 'atom', set: this.flags.s ? ANY : NOT_LINE_TERMINATOR, js: '.', start, end: this.i };
    }
    if (ch === '^' || ch === '$') return { type: 'assert', js: ch, start, end: this.i };
    if (ch !== '\\') {
      const classPart = literalJs(cp, true);
      return { type: 'atom', set: [cp, cp], js: literalJs(cp, false), classPart, start, end: this.i };
    }
    const e = this.escape(false, start);
    const end = this.i;
    if (e.kind === 'char') return { type: 'atom', set: [e.cp, e.cp], js: e.js, classPart: literalJs(e.cp, true), start, end };
    if (e.kind === 'set') return { type: 'atom', set: e.set, js: e.js, classPart: e.js, start, end };
    return { type: e.kind, js: e.js, start, end };
  }

  private groupName(start: number, close: string): string {
    const endIdx = this.src.indexOf(close, this.i);
    if (endIdx < 0) this.fail(`missing '${close}' after group name at position ${start}`, start);
    const name = this.src.slice(this.i, endIdx);
    if (!NAME.test(name)) this.fail(`bad group name '${name}' at position ${start}: use letters, digits and '_'`, start);
    this.i = endIdx + close.length;
    return name;
  }

  private group(depth: number): RegexNode | null {
    const start = this.i;
    if (depth >= MAX_NESTING) {
      this.fail(`groups nested more than ${MAX_NESTING} deep at position ${start}: flatten the pattern`, start, true);
    }
    const py = this.dialect === 'python';
    const rest = this.src.slice(start + 1, start + 4);
    let open = '(';
    let look = false;
    let capture: number | null = null;
    let name: string | null = null;
    if (!rest.startsWith('?')) {
      capture = ++this.groupCount;
      this.i = start + 1;
    } else if (rest.startsWith('?:')) {
      open = '(?:';
      this.i = start + 3;
    } else if (/^\?(?:[=!]|<[=!])/.test(rest)) {
      open = '(' + (rest[1] === '<' ? rest : rest.slice(0, 2));
      look = true;
      this.i = start + open.length;
    } else if (rest.startsWith('?<') || (rest.startsWith('?P<') && py)) {
      this.i = start + (rest[1] === 'P' ? 4 : 3);
      name = this.groupName(start, '>');
      if (this.names.has(name)) this.fail(`redefinition of group name '${name}' at position ${start}: rename one of them`, start);
      this.names.set(name, false);
      capture = ++this.groupCount;
      open = `(?<${name}>`;
    } else if (rest.startsWith('?P=') && py) {
      this.i = start + 4;
      const ref = this.groupName(start, ')');
      const closed = this.names.get(ref);
      if (closed === undefined) this.fail(`unknown group name '${ref}' at position ${start}`, start);
      if (!closed) this.fail(`cannot refer to open group '${ref}' at position ${start}`, start);
      return { type: 'backref', js: `\\k<${ref}>`, start, end: this.i };
    } else if (rest.startsWith('?#') && py) {
      const close = this.src.indexOf(')', start);
      if (close < 0) this.fail(`unterminated comment at position ${start}: add a closing ')'`, start);
      this.i = close + 1;
      return null;
    } else {
      this.unsupportedGroup(start);
    }
    if (capture !== null) this.openGroups.add(capture);
    const body = this.alternation(depth + 1);
    if (this.src[this.i] !== ')') this.fail(`unterminated group at position ${start}: add a closing ')'`, start);
    this.i++;
    if (capture !== null) this.openGroups.delete(capture);
    if (name !== null) this.names.set(name, true);
    return { type: 'group', open, look, body, start, end: this.i };
  }

  private unsupportedGroup(start: number): never {
    const c = this.src[start + 2];
    if (c === undefined) this.fail(`unterminated group at position ${start}: add a closing ')'`, start);
    if (c === '>') this.fail(`atomic group (?>...) at position ${start} is not supported in JavaScript: use (?:...)`, start);
    if (c === '(') this.fail(`conditional group (?(...)...) at position ${start} is not supported: use an alternation`, start);
    const m = /^[-aiLmsux]+[:)]/.exec(this.src.slice(start + 2, start + 14));
    if (m?.[0].endsWith(')')) {
      this.fail(`inline flag (?${m[0]} at position ${start} must be at the very start of the pattern: move it to the beginning`, start);
    }
    if (/^[-aiLmsux]+$/.test(this.src.slice(start + 2))) this.fail(`unterminated inline flag at position ${start}: add a closing ')'`, start);
    if (m) this.fail(`scoped flags (?${m[0]}...) at position ${start} are not supported: put a flag like (?i) at the very start instead`, start);
    this.fail(`unknown group syntax '(?${c}' at position ${start}`, start);
  }

  private charClass(): RegexNode {
    const start = this.i;
    this.i++;
    const negated = this.src[this.i] === '^';
    if (negated) this.i++;
    const flat: number[] = [];
    const parts: string[] = [];
    let first = true;
    for (;;) {
      if (this.i >= this.src.length) {
        this.fail(`unterminated character set at position ${start}: add a closing ']'`, start);
      }
      // Python reads a ']' right after '[' or '[^' as a literal; JS reads it as the end.
      if (this.src[this.i] === ']' && !(first && this.dialect === 'python')) break;
      first = false;
      const aStart = this.i;
      const a = this.classAtom();
      if (this.src[this.i] === '-' && this.i + 1 < this.src.length && this.src[this.i + 1] !== ']') {
        this.i++;
        const b = this.classAtom();
        const text = this.src.slice(aStart, this.i);
        if (a.kind !== 'char' || b.kind !== 'char') {
          this.fail(`bad character range ${text} at position ${aStart}: put '-' first or last to match a literal '-'`, aStart);
        }
        if (a.cp > b.cp) this.fail(`bad character range ${text} at position ${aStart}: the bounds are reversed`, aStart);
        flat.push(a.cp, b.cp);
        parts.push(`${literalJs(a.cp, true)}-${literalJs(b.cp, true)}`);
      } else if (a.kind === 'char') {
        flat.push(a.cp, a.cp);
        parts.push(literalJs(a.cp, true));
      } else {
        flat.push(...a.set);
        parts.push(a.js);
      }
    }
    this.i++;
    const union = normalize(flat);
    const body = parts.join('');
    const js = `[${negated ? '^' : ''}${body}]`;
    const set = negated ? complementSet(union) : union;
    return { type: 'atom', set, js, ...(negated ? {} : { classPart: body }), start, end: this.i };
  }

  private classAtom(): { kind: 'char'; cp: number } | { kind: 'set'; set: CharSet; js: string } {
    const start = this.i;
    const cp = this.src.codePointAt(start)!;
    if (cp !== 0x5c) {
      this.i += cp > 0xffff ? 2 : 1;
      return { kind: 'char', cp };
    }
    const e = this.escape(true, start);
    if (e.kind === 'char') return { kind: 'char', cp: e.cp };
    if (e.kind === 'set') return e;
    return this.fail(`bad escape ${this.src.slice(start, this.i)} at position ${start}: not allowed inside [...]`, start);
  }

  private hexDigits(count: number, start: number): number {
    const digits = this.src.slice(this.i, this.i + count);
    if (!new RegExp(`^[0-9a-fA-F]{${count}}$`).test(digits)) {
      this.fail(`incomplete escape ${this.src.slice(start, this.i + count)} at position ${start}: it needs ${count} hex digits`, start);
    }
    this.i += count;
    return parseInt(digits, 16);
  }

  /** Reads the escape whose backslash is at `start` (the cursor is on it). */
  private escape(inClass: boolean, start: number): Escape {
    this.i = start + 1;
    const cp = this.src.codePointAt(this.i);
    if (cp === undefined) this.fail(`pattern ends with a lone backslash: write \\\\ for a literal backslash`, start);
    const c = String.fromCodePoint(cp);
    this.i += c.length;
    const py = this.dialect === 'python';
    const set = CLASS_ESCAPES[c];
    if (set) return { kind: 'set', set, js: '\\' + c };
    const control = CONTROL_ESCAPES[c];
    if (control) return { kind: 'char', cp: control[0], js: control[1] };
    if (c === 'b') return inClass ? { kind: 'char', cp: 8, js: '\\b' } : { kind: 'assert', js: '\\b' };
    if (c === 'B' && !inClass) return { kind: 'assert', js: '\\B' };
    if ((c === 'A' || c === 'Z') && !inClass && py) {
      // JS has no \A or \Z; ^ and $ mean the same unless (?m) made them per-line.
      if (c === 'A') return { kind: 'assert', js: this.flags.m ? '(?<![\\s\\S])' : '^' };
      return { kind: 'assert', js: this.flags.m ? '(?![\\s\\S])' : '$' };
    }
    if (c === 'a' && py) return { kind: 'char', cp: 7, js: '\\x07' };
    if (c === 'x') {
      const v = this.hexDigits(2, start);
      return { kind: 'char', cp: v, js: hex2(v) };
    }
    if (c === 'u' && !py && this.src[this.i] === '{') {
      const m = /^\{([0-9a-fA-F]{1,6})\}/.exec(this.src.slice(this.i, this.i + 9));
      const v = m ? parseInt(m[1]!, 16) : NaN;
      if (!m || v > MAX_CP) this.fail(`bad escape \\u{ at position ${start}`, start);
      this.i += m[0].length;
      return { kind: 'char', cp: v, js: `\\u{${m[1]}}` };
    }
    if (c === 'u' || (c === 'U' && py)) {
      const v = this.hexDigits(c === 'u' ? 4 : 8, start);
      if (v > MAX_CP) this.fail(`bad escape ${this.src.slice(start, this.i)} at position ${start}: beyond U+10FFFF`, start);
      return { kind: 'char', cp: v, js: c === 'u' ? this.src.slice(start, this.i) : `\\u{${v.toString(16)}}` };
    }
    if ((c === 'p' || c === 'P') && this.src[this.i] === '{') {
      // Unicode properties are JS syntax Python lacks; passed through for the engine to validate.
      const close = this.src.indexOf('}', this.i);
      if (close < 0) this.fail(`unterminated \\${c}{...} at position ${start}`, start);
      this.i = close + 1;
      return { kind: 'set', set: ANY, js: this.src.slice(start, this.i) };
    }
    if (c === 'k' && !inClass && this.src[this.i] === '<') {
      this.i++;
      return { kind: 'backref', js: `\\k<${this.groupName(start, '>')}>` };
    }
    if (c === 'c' && !py && /[A-Za-z]/.test(this.src[this.i] ?? '')) {
      this.i++;
      return { kind: 'char', cp: this.src.charCodeAt(this.i - 1) % 32, js: this.src.slice(start, this.i) };
    }
    if (c === 'N' && py) this.fail(`named escape \\N{...} at position ${start} is not supported: write the character itself or \\uXXXX`, start);
    if (c >= '0' && c <= '9') return this.numericEscape(c, inClass, start);
    if (/[A-Za-z]/.test(c)) {
      this.fail(`bad escape \\${c} at position ${start}: remove the backslash, or write \\\\${c} for a literal backslash`, start);
    }
    // Python lets any other character be escaped; JS with 'u' only allows syntax characters.
    return { kind: 'char', cp, js: literalJs(cp, inClass) };
  }

  private numericEscape(c: string, inClass: boolean, start: number): Escape {
    const octal = /^[0-7]{1,2}/.exec(this.src.slice(this.i, this.i + 2))?.[0] ?? '';
    if (this.dialect === 'js') {
      if (c === '0' && !/[0-9]/.test(this.src[this.i] ?? '')) return { kind: 'char', cp: 0, js: '\\0' };
      if (inClass) this.fail(`bad escape \\${c} at position ${start}`, start);
      const digits = c + (/^\d*/.exec(this.src.slice(this.i))?.[0] ?? '');
      this.i += digits.length - 1;
      return { kind: 'backref', js: '\\' + digits };
    }
    // Python: \0 and three-digit escapes are octal, inside a class every digit escape is octal.
    const isOctal = c === '0' || (c <= '7' && (inClass || octal.length === 2));
    if (isOctal) {
      const digits = c + (c === '0' || inClass ? octal : octal.slice(0, 2));
      const v = parseInt(digits, 8);
      if (v > 0o377) this.fail(`octal escape \\${digits} at position ${start} is outside of range 0-0o377`, start);
      this.i += digits.length - 1;
      return { kind: 'char', cp: v, js: hex2(v) };
    }
    if (inClass) this.fail(`bad escape \\${c} at position ${start}: write \\\\${c} for a backslash and a digit`, start);
    const digits = c + (/^[0-9]/.exec(this.src[this.i] ?? '') ? this.src[this.i] : '');
    this.i += digits.length - 1;
    const n = Number(digits);
    if (n > this.groupCount) this.fail(`invalid group reference ${n} at position ${start}: there is no group ${n} before it`, start);
    if (this.openGroups.has(n)) this.fail(`cannot refer to open group ${n} at position ${start}`, start);
    return { kind: 'backref', js: '\\' + digits };
  }
}

/** Parses a pattern; never throws, and rejects nesting deeper than MAX_NESTING. */
export function parseRegex(pattern: string, dialect: Dialect, jsFlags = ''): ParseResult {
  try {
    return new Parser(pattern, dialect, jsFlags).run();
  } catch (e) {
    if (e instanceof ParseError) return { ok: false, message: e.message, index: e.index, tooDeep: e.tooDeep };
    return { ok: false, message: `cannot parse pattern: ${String(e)}`, index: 0, tooDeep: false };
  }
}

/** Prints a quantifier; `{n,m}` always spelled out, since JS rejects Python's `{,m}`. */
export function quantifierText(min: number, max: number): string {
  if (max === Infinity) return min === 0 ? '*' : min === 1 ? '+' : `{${min},}`;
  if (min === 0 && max === 1) return '?';
  return min === max ? `{${min}}` : `{${min},${max}}`;
}

/** Emits JavaScript regex source for a parsed pattern. */
export function emitJs(node: RegexNode): string {
  switch (node.type) {
    case 'atom':
    case 'assert':
    case 'backref':
      return node.js;
    case 'seq': {
      const parts = node.items.map(emitJs);
      // \1 followed by a literal 0 would read as \10 (only reachable through (?x) whitespace).
      return parts
        .map((js, k) => (node.items[k]!.type === 'backref' && /\d$/.test(js) && /^\d/.test(parts[k + 1] ?? '') ? `(?:${js})` : js))
        .join('');
    }
    case 'alt':
      return node.branches.map(emitJs).join('|');
    case 'group':
      return node.open + emitJs(node.body) + ')';
    case 'repeat':
      return emitJs(node.body) + quantifierText(node.min, node.max) + (node.lazy ? '?' : '');
  }
}
