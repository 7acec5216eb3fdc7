import { describe, expect, it } from 'vitest';
import { analyzeBacktracking } from './backtracking-analysis';
import { compileRedactPattern, matchesEmptyString } from './redact-pattern';
import type { CompiledPattern } from './redact-pattern';

function compiled(pattern: string): CompiledPattern {
  const result = compileRedactPattern(pattern);
  if (!result.ok) throw new Error(`expected ${pattern} to compile, got: ${result.message}`);
  return result.pattern;
}

const redact = (pattern: string, text: string): string => text.replace(compiled(pattern).regex, '[REDACTED]');

describe('compileRedactPattern', () => {
  it('redacts an SSN with the default Dockfile pattern', () => {
    expect(redact('\\b\\d{3}-\\d{2}-\\d{4}\\b', 'My SSN is 123-45-6789')).toBe('My SSN is [REDACTED]');
  });

  it('redacts every occurrence (the g flag), card numbers and emails', () => {
    expect(redact('\\d{16}', 'cards 4111111111111111 and 5500000000000004')).toBe('cards [REDACTED] and [REDACTED]');
    expect(redact('[\\w.-]+@[\\w-]+\\.\\w+', 'mail jane.doe@example.com now')).toBe('mail [REDACTED] now');
  });

  it.each([
    ['(?i)password', 'password', 'giu'],
    ['(?m)^x', '^x', 'gmu'],
    ['(?s)a.b', 'a.b', 'gsu'],
    ['(?ims)a.b', 'a.b', 'gimsu'],
    ['(?i)(?s)a', 'a', 'gisu'],
    ['(?a)\\w', '\\w', 'gu'],
    ['(?x) \\d{3} # area code\n - \\d{4}', '\\d{3}-\\d{4}', 'gu'],
    ['plain', 'plain', 'gu'],
  ])('turns the leading inline flags of %j into JS flags', (pattern, source, flags) => {
    const p = compiled(pattern);
    expect(p).toMatchObject({ source, flags });
    expect(p.regex.flags).toBe(flags);
    expect(p.regex.source).toBe(new RegExp(source, flags).source);
  });

  it('applies the translated flags when matching', () => {
    expect(redact('(?i)password', 'PassWord: hunter2')).toBe('[REDACTED]: hunter2');
    expect(redact('(?s)BEGIN.*END', 'x BEGIN\nsecret\nEND y')).toBe('x [REDACTED] y');
    expect(redact('(?m)^token=\\S+$', 'a=1\ntoken=abc\nb=2')).toBe('a=1\n[REDACTED]\nb=2');
    expect(redact('(?x) \\d{3} - \\d{4}  # local number', 'call 555-1234')).toBe('call [REDACTED]');
    expect(redact('(?x)a\\ b[ ]c', 'a b c')).toBe('[REDACTED]');
  });

  // 'u' is always on: Python patterns are code-point based and strict, and the translator rewrites
  // the escapes Python allows but JS-with-u rejects.
  it.each([
    ['\\-', '-', 'a-b'],
    ['\\#\\:\\@\\ ', '#:@ ', 'x#:@ y'],
    ['\\/', '\\/', 'a/b'],
    ['[\\#\\:]+', '[#:]+', '#:#'],
    ['a{', 'a\\{', 'a{'],
    ['{x}', '\\{x\\}', '{x}'],
    ['a]', 'a\\]', 'a]'],
    ['[]a]+', '[\\]a]+', 'a]a'],
    ['[\\w.+-]+', '[\\w.+\\-]+', 'a.b+c-d'],
    ['a{,3}b', 'a{0,3}b', 'aab'],
  ])('accepts the Python spelling %j (JS source %j)', (pattern, source, sample) => {
    const p = compiled(pattern);
    expect(p.source).toBe(source);
    expect(p.regex.test(sample)).toBe(true);
  });

  it.each([
    ['(?P<user>\\w+)@(?P=user)', '(?<user>\\w+)@\\k<user>', 'bob@bob', 'bob@ann'],
    ['(\\w)\\1', '(\\w)\\1', 'xx', 'xy'],
    ['\\Aabc\\Z', '^abc$', 'abc', 'abc\nx'],
    ['(?m)abc\\Z', 'abc(?![\\s\\S])', 'x\nabc', 'abc\nx'],
    ['(?m)\\Aabc', '(?<![\\s\\S])abc', 'abc\nx', 'x\nabc'],
    ['\\x41\\101\\u0042\\U0001F600', '\\x41\\x41\\u0042\\u{1f600}', 'AAB😀', 'AAB'],
    ['a(?#a comment)b', 'ab', 'ab', 'a b'],
    ['\\a', '\\x07', '\u0007', 'a'],
    ['[\\b]', '[\\x08]', '\b', 'b'],
  ])('translates Python-only syntax %j to %j', (pattern, source, matching, notMatching) => {
    const p = compiled(pattern);
    expect(p.source).toBe(source);
    expect(new RegExp(p.source, p.flags.replace('g', '')).test(matching)).toBe(true);
    expect(new RegExp(p.source, p.flags.replace('g', '')).test(notMatching)).toBe(false);
  });

  it('treats an astral character as one character, as Python does', () => {
    expect(compiled('^.$').regex.test('😀')).toBe(true);
    expect(redact('😀+', 'hi 😀😀!')).toBe('hi [REDACTED]!');
  });

  it('keeps \\d ASCII-only, like Python with (?a)', () => {
    expect(compiled('\\d+').regex.test('١٢٣')).toBe(false);
  });

  it('passes JS Unicode property escapes through', () => {
    expect(redact('\\p{Lu}\\p{Ll}+', 'Hello world')).toBe('[REDACTED] world');
  });

  it.each([
    ['([a-z', 1, /unterminated character set at position 1.*\]/],
    ['*abc', 0, /^nothing to repeat at position 0/],
    ['a|+b', 2, /^nothing to repeat at position 2/],
    ['abc(?i)', 3, /inline flag \(\?i\) at position 3 must be at the very start.*move it/],
    ['a(?i:b)c', 1, /scoped flags.*not supported.*\(\?i\) at the very start/],
    ['(?i', 0, /unterminated inline flag at position 0/],
    ['(abc', 0, /unterminated group at position 0.*\)/],
    ['abc)', 3, /unbalanced parenthesis at position 3/],
    ['a{3,2}', 1, /min repeat greater than max repeat/],
    ['\\q', 0, /bad escape \\q at position 0/],
    ['abc\\', 3, /lone backslash/],
    ['a**', 2, /multiple repeat at position 2/],
    ['a*+', 1, /possessive quantifier/],
    ['(?>a)', 0, /atomic group.*not supported/],
    ['(?(1)a|b)', 0, /conditional group/],
    ['\\N{EM DASH}', 0, /named escape.*\\uXXXX/],
    ['(?P<a>x)(?P<a>y)', 8, /redefinition of group name 'a'/],
    ['(?P<1a>x)', 0, /bad group name '1a'/],
    ['(?P=nope)', 0, /unknown group name 'nope'/],
    ['\\2(a)', 0, /invalid group reference 2/],
    ['(a\\1)', 2, /cannot refer to open group 1/],
    ['[z-a]', 1, /bad character range z-a/],
    ['[\\w-z]', 1, /bad character range \\w-z.*literal '-'/],
    ['(?=a)*', 5, /nothing to repeat.*assertion/],
    ['\\b+', 2, /nothing to repeat.*assertion/],
    ['(?L)a', 0, /locale flag/],
    ['x{99999999999}', 1, /repeat count too large/],
  ])('rejects %j at index %d with a one-line message', (pattern, index, message) => {
    const result = compileRedactPattern(pattern);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.index).toBe(index);
    expect(result.message).toMatch(message);
    expect(result.message).not.toContain('\n');
  });

  it('reports what the JS engine rejects, on one line', () => {
    const result = compileRedactPattern('\\p{NotAProperty}');
    expect(result).toMatchObject({ ok: false, message: expect.stringMatching(/^the JavaScript regex engine rejects this pattern: .*property/i) });
  });

  it('compiles the empty pattern to (?:)', () => {
    expect(compiled('')).toMatchObject({ source: '(?:)', flags: 'gu' });
  });
});

describe('analyzeBacktracking', () => {
  it.each([
    ['(a+)+', '(a+)+', 0, 'a+'],
    ['(a*)*', '(a*)*', 0, 'a*'],
    ['(\\w+\\s?)*', '(\\w+\\s?)*', 0, '(?:\\w+(?:\\s\\w+)*\\s?)?'],
    ['(x+x+)+y', '(x+x+)+', 0, 'x{2,}'],
    ['([a-z]+)*$', '([a-z]+)*', 0, '[a-z]*'],
    ['(a|a)*', '(a|a)*', 0, 'a*'],
    ['(\\d|\\w)+', '(\\d|\\w)+', 0, '\\w+'],
    ['(.|\\s)*', '(.|\\s)*', 0, '[\\s\\S]*'],
    ['^(\\d+)+$', '(\\d+)+', 1, '\\d+'],
    ['(?:\\d+){2,}', '(?:\\d+){2,}', 0, '\\d{2,}'],
    ['(a+){2,100}', '(a+){2,100}', 0, undefined],
    ['"(?:\\\\.|[^"])*"', '(?:\\\\.|[^"])*', 1, undefined],
    ['(a|ab|b)*', '(a|ab|b)*', 0, undefined],
    ['^([a-zA-Z0-9])(([\\-.]|[_]+)?([a-zA-Z0-9]+))*(@){1}[a-z0-9]+$', '(([\\-.]|[_]+)?([a-zA-Z0-9]+))*', 14, undefined],
    ['x(?=(a+)+b)', '(a+)+', 4, 'a+'],
  ])('flags %j as exponential at %j', (pattern, fragment, index, suggestion) => {
    const result = analyzeBacktracking(pattern);
    expect(result).toMatchObject({ risk: 'exponential', fragment, index });
    if (result.risk === 'none') return;
    expect(pattern.slice(result.index, result.index + result.fragment.length)).toBe(result.fragment);
    expect(result.explanation).toMatch(/exponentially many ways/);
    expect(result.explanation).toContain(fragment);
    expect(result.suggestion).toBe(suggestion);
  });

  it('explains a nested quantifier with a witness string', () => {
    expect(analyzeBacktracking('(a+)+')).toMatchObject({
      explanation: expect.stringMatching(/^nested quantifier: \(a\+\)\+ can match 'aaaa' in exponentially many ways/),
    });
    expect(analyzeBacktracking('(a|a)*')).toMatchObject({ explanation: expect.stringMatching(/^overlapping alternatives/) });
  });

  it.each([
    ['\\d+\\d+', '\\d+\\d+', 0, '\\d{2,}'],
    ['.*.*=', '.*.*', 0, '.*'],
    ['\\s*\\s*$', '\\s*\\s*', 0, '\\s*'],
    ['\\w+\\d+', '\\w+\\d+', 0, '\\w+\\d'],
    ['\\d+\\w+', '\\d+\\w+', 0, '\\d\\w+'],
    ['key=\\s*\\s*;', '\\s*\\s*', 4, '\\s*'],
    ['.*=.*', '.*=.*', 0, undefined],
    ['(?i)[a-z]+K+', '[a-z]+K+', 4, '[a-z]+K'],
    ['(a+){1,3}', '(a+){1,3}', 0, undefined],
  ])('flags %j as polynomial at %j', (pattern, fragment, index, suggestion) => {
    const result = analyzeBacktracking(pattern);
    expect(result).toMatchObject({ risk: 'polynomial', fragment, index });
    if (result.risk === 'none') return;
    expect(pattern.slice(result.index, result.index + result.fragment.length)).toBe(result.fragment);
    expect(result.explanation).toMatch(/polynomial/);
    expect(result.suggestion).toBe(suggestion);
  });

  it.each([
    '\\b\\d{3}-\\d{2}-\\d{4}\\b',
    '\\d{16}',
    '(?i)password',
    '[\\w.+-]+@[\\w-]+\\.[\\w.]+',
    // Bounded {13,16}, and inside each iteration \d and [ -] are disjoint: an iteration must start
    // at a digit, so there is exactly one way to split any input into iterations. The lazy star
    // only decides where a run of separators ends, and the next \d decides that immediately.
    '\\b(?:\\d[ -]*?){13,16}\\b',
    '\\+?\\d{1,3}[ .-]?\\(?\\d{3}\\)?[ .-]?\\d{3}[ .-]?\\d{4}',
    '\\d+-\\d+', // '-' separates the two loops
    // Not exponential despite the brief's list: the branches share a prefix but never the same
    // text, and 'b' cannot start an iteration, so every input splits one way. Measured on V8:
    // ^(a|ab)*$ against 'ab' x 16000 + 'c' fails in well under a millisecond.
    '(a|ab)*',
    '(?:abc|abd)+',
    '(?:a|a){1,3}', // bounded: at most 2^3 paths
    '\\w+\\s+\\w+',
    '\\d+(?:,\\d+)*',
    '"(?:[^"\\\\]|\\\\.)*"',
    '[a-z]+K+', // disjoint without (?i)
    '(?i)(?:password|passwd|pwd)\\s*[:=]\\s*\\S+', // \s and \S stay disjoint under (?i)
    '(?i)bearer\\s+[a-z0-9._~+/-]+=*',
    '-----BEGIN [A-Z ]+-----[\\s\\S]*?-----END [A-Z ]+-----',
    'eyJ[\\w-]+\\.eyJ[\\w-]+\\.[\\w-]+',
    '\\b(?:(?:25[0-5]|2[0-4]\\d|1?\\d?\\d)\\.){3}(?:25[0-5]|2[0-4]\\d|1?\\d?\\d)\\b',
  ])('finds no risk in %j', (pattern) => {
    expect(analyzeBacktracking(pattern)).toEqual({ risk: 'none' });
  });

  it('finds no risk in a repeated word list, within budget', () => {
    const words = Array.from({ length: 300 }, (_, i) => `name${i.toString(36)}`);
    expect(analyzeBacktracking(`(?:${words.join('|')})+`)).toEqual({ risk: 'none' });
    expect(analyzeBacktracking(`\\b(?:${[...words, ...words].join('|')})\\b`)).toEqual({ risk: 'none' });
  });

  it('offers suggestions that are safe and redact the same text', () => {
    const samples = ['aaa b', 'ab12 cd 3', 'x  \ty', 'key=  ;', 'a\nb', 'xx xxx y'];
    for (const pattern of ['(a+)+', '(a*)*', '(\\w+\\s?)*', '(x+x+)+y', '(\\d|\\w)+', '(.|\\s)*', '\\d+\\d+', '\\w+\\d+', '\\s*\\s*$', 'key=\\s*\\s*;']) {
      const result = analyzeBacktracking(pattern);
      if (result.risk === 'none' || result.suggestion === undefined) throw new Error(`no suggestion for ${pattern}`);
      const rewritten = pattern.slice(0, result.index) + result.suggestion + pattern.slice(result.index + result.fragment.length);
      expect(analyzeBacktracking(rewritten), rewritten).toEqual({ risk: 'none' });
      for (const text of samples) expect(redact(rewritten, text), `${pattern} → ${rewritten} on ${JSON.stringify(text)}`).toBe(redact(pattern, text));
    }
  });

  it('leaves invalid patterns to compileRedactPattern', () => {
    expect(analyzeBacktracking('([a-z')).toEqual({ risk: 'none' });
  });

  it('analyses typical patterns well under a millisecond each', () => {
    const patterns = ['\\b\\d{3}-\\d{2}-\\d{4}\\b', '\\d{16}', '(?i)password', '[\\w.+-]+@[\\w-]+\\.[\\w.]+', '\\b(?:\\d[ -]*?){13,16}\\b', '(\\w+\\s?)*'];
    for (const p of patterns) analyzeBacktracking(p); // warm up the JIT
    const rounds = 50;
    const start = performance.now();
    for (let k = 0; k < rounds; k++) for (const p of patterns) analyzeBacktracking(p);
    expect((performance.now() - start) / (rounds * patterns.length)).toBeLessThan(1);
  });
});

describe('hostile input', () => {
  const hostile: Array<[string, string]> = [
    ['100 KB of literals', 'a'.repeat(100_000)],
    ['100 KB of groups', '(a|b)'.repeat(20_000)],
    ['100 KB of loops', '\\d+'.repeat(34_000)],
    ['100 KB of backslashes', '\\'.repeat(100_001)],
    ['100 KB of open brackets', '['.repeat(100_000)],
    ['10k nested groups', '('.repeat(10_000) + 'a' + ')'.repeat(10_000)],
    ['10k unclosed groups', '('.repeat(10_000)],
    ['10k nested loops', '(?:'.repeat(10_000) + 'a' + ')*'.repeat(10_000)],
    ['99 nested bounded repeats', '(?:'.repeat(99) + 'a' + '){16}'.repeat(99)],
    ['20 KB of optional chars', 'a?'.repeat(5_000) + 'a'.repeat(5_000)],
    ['20 KB of stars', 'a*'.repeat(10_000)],
    ['a 9000-branch alternation', '(?:' + Array.from({ length: 9_000 }, () => 'a').join('|') + ')*'],
  ];

  it.each(hostile)('handles %s quickly without throwing', (_name, pattern) => {
    const start = performance.now();
    const risk = analyzeBacktracking(pattern);
    const result = compileRedactPattern(pattern);
    if (result.ok) matchesEmptyString(result.pattern);
    expect(performance.now() - start).toBeLessThan(2_000);
    expect(['none', 'polynomial', 'exponential']).toContain(risk.risk);
  });

  it('reports the nesting limit instead of recursing 10k deep', () => {
    const pattern = '('.repeat(10_000) + 'a' + ')'.repeat(10_000);
    expect(compileRedactPattern(pattern)).toMatchObject({ ok: false, index: 100, message: expect.stringMatching(/nested more than 100 deep.*flatten/) });
    expect(analyzeBacktracking('('.repeat(10_000))).toMatchObject({ risk: 'exponential', index: 100, explanation: expect.stringMatching(/could not be checked.*nested more than 100 deep/) });
  });

  it('still analyses nesting within the limit', () => {
    const pattern = '('.repeat(99) + 'a+' + ')+'.repeat(99);
    expect(compileRedactPattern(pattern).ok).toBe(true);
    expect(analyzeBacktracking(pattern)).toMatchObject({ risk: 'exponential', fragment: '(a+)+' });
  });

  it('says when a pattern is too long or too complex to vouch for', () => {
    expect(analyzeBacktracking('a'.repeat(100_000))).toMatchObject({ risk: 'exponential', index: 0, explanation: expect.stringMatching(/longer than 20000 characters/) });
    expect(analyzeBacktracking('(?:'.repeat(99) + 'a' + '){16}'.repeat(99))).toMatchObject({ risk: 'exponential', explanation: expect.stringMatching(/too large or too complex/) });
  });
});

describe('matchesEmptyString', () => {
  it.each(['a*', '(?:)', '\\b', '', '^', '$', '(?=x)', '(?<=password: )', '(?<=:)\\s*', 'a?b?', 'a|', '(a|b*)', 'x{0}', '(?i)', '\\b\\w*\\b'])(
    'is true for %j',
    (pattern) => {
      expect(matchesEmptyString(compiled(pattern))).toBe(true);
    },
  );

  it.each(['\\d{16}', 'a+', '(?i)password', '\\b\\d{3}-\\d{2}-\\d{4}\\b', '(?:)a', '[\\w.-]+@[\\w-]+\\.\\w+', '\\s?x', '(a|b+)', 'x{1,}', '(?P<n>a)(?P=n)'])(
    'is false for %j',
    (pattern) => {
      expect(matchesEmptyString(compiled(pattern))).toBe(false);
    },
  );

  it('falls back to probing sources it cannot parse', () => {
    // Non-u JS syntax (\q is an identity escape there) that the runtime never produces.
    expect(matchesEmptyString({ source: '\\q*', flags: 'g', regex: new RegExp('\\q*', 'g') })).toBe(true);
    expect(matchesEmptyString({ source: '\\q+', flags: 'g', regex: new RegExp('\\q+', 'g') })).toBe(false);
  });
});
