// Redact patterns: user-written, Python-style regexes that the runtime (Node) compiles with
// RegExp. Validation runs on every keystroke, so everything here is static and budgeted: no
// pattern is ever run against adversarial input, and hostile patterns only cost a bounded
// amount of work before we give up and say so.
//
// Why the 'u' flag: it makes `.` and classes work on code points (as Python's str patterns do,
// so an emoji is one character) and makes the engine strict, so a typo such as `\q` or `[\w-a]`
// is an error, as it is in Python, instead of silently matching something else. Its
// cost is that JS-with-u rejects identity escapes of non-syntax characters (`\-`, `\#`, `\ `,
// `\:`...) and lone `{`, `}` and `]`, all of which Python accepts; the translator rewrites those,
// so users write what they would write for Python and the runtime gets strict, exact semantics.
// Remaining differences, deliberately kept: \d, \w and \b are ASCII-only (as with Python's (?a)),
// and `$` without (?m) matches only at the very end, not before a final newline.
import { emitJs, parseRegex } from './regex-syntax';
import type { RegexNode } from './regex-syntax';

export interface CompiledPattern {
  source: string;
  flags: string;
  regex: RegExp;
}

export type CompileResult = { ok: true; pattern: CompiledPattern } | { ok: false; message: string; index?: number };

/** Compiles a redact pattern the way the AgentDock runtime does: Python-style leading inline flags (?i) (?m) (?s) (?x)/(?ims) become JS flags, Python-only syntax is translated, and the result always has the 'g' and 'u' flags. */
export function compileRedactPattern(pattern: string): CompileResult {
  if (typeof pattern !== 'string') return { ok: false, message: 'a redact pattern must be a string' };
  const parsed = parseRegex(pattern, 'python');
  if (!parsed.ok) return { ok: false, message: parsed.message, index: parsed.index };
  const source = emitJs(parsed.ast) || '(?:)';
  const { i, m, s } = parsed.flags;
  const flags = `g${i ? 'i' : ''}${m ? 'm' : ''}${s ? 's' : ''}u`;
  try {
    return { ok: true, pattern: { source, flags, regex: new RegExp(source, flags) } };
  } catch (e) {
    // Our parser accepts a superset of what V8 does in a few corners (e.g. \p{...} names).
    const why = (e instanceof Error ? e.message : String(e)).replace(/^Invalid regular expression: \/[\s\S]*\/[a-z]*: /, '');
    return { ok: false, message: `the JavaScript regex engine rejects this pattern: ${why.split('\n')[0]}` };
  }
}

function nullable(node: RegexNode): boolean {
  switch (node.type) {
    case 'atom':
      return false;
    case 'assert':
    case 'backref':
      return true;
    case 'seq':
      return node.items.every(nullable);
    case 'alt':
      return node.branches.some(nullable);
    case 'group':
      return node.look || nullable(node.body);
    case 'repeat':
      return node.min === 0 || nullable(node.body);
  }
}

/** True if the compiled pattern matches the empty string (a redaction rule that would insert tokens between every character). */
export function matchesEmptyString(pattern: CompiledPattern): boolean {
  // Static, because "somewhere in some input" is the question: \b or (?<=:) never match '' itself.
  const parsed = parseRegex(pattern.source, 'js', pattern.flags);
  if (parsed.ok) return nullable(parsed.ast);
  try {
    // Hand-built sources our parser does not know: probe a few fixed, tiny strings.
    const re = new RegExp(pattern.source, pattern.flags.includes('g') ? pattern.flags : `${pattern.flags}g`);
    return ['', 'a', 'a b\n1-2'].some((probe) => [...probe.matchAll(re)].some((m) => m[0] === ''));
  } catch {
    return false;
  }
}
