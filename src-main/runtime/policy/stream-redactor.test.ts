import { describe, expect, it } from 'vitest';
import type { PiiMatch } from './pii-scanner';
import { PiiScanner, applyRedactions } from './pii-scanner';
import { PiiStreamRedactor } from './stream-redactor';

function run(scanner: PiiScanner, chunks: readonly string[], replace = true): { out: string; pieces: string[]; values: string[] } {
  const values: string[] = [];
  const redactor = new PiiStreamRedactor(scanner, { replace, onMatch: (_match: PiiMatch, value: string) => values.push(value) });
  const pieces = chunks.map((chunk) => redactor.push(chunk));
  pieces.push(redactor.flush());
  return { out: pieces.join(''), pieces, values };
}

/** Deterministic pseudo-random chunk sizes (1–12), so a failure reproduces. */
function chunked(text: string, seed: number): string[] {
  const chunks: string[] = [];
  let state = seed;
  for (let index = 0; index < text.length; ) {
    state = (state * 1103515245 + 12345) % 2147483648;
    const size = 1 + (state % 12);
    chunks.push(text.slice(index, index + size));
    index += size;
  }
  return chunks;
}

const TEXT = [
  'Hi team, reach Bob at bob.smith@example.com or (555) 123-4567 tomorrow.',
  'Card 4111 1111 1111 1111 and IBAN DE89 3704 0044 0532 0130 00 are on file;',
  'SSN 123-45-6789, office 10.0.0.12, VPN 2001:db8::7, intl +44 20 7946 0958.',
  'Nothing else: order 1234567890, v1.2.3, at 12:30:45. Thanks!',
].join(' ');

describe('streaming redaction', () => {
  const scanner = new PiiScanner();
  const whole = applyRedactions(TEXT, scanner.find(TEXT));

  it('redacts an email split across chunks', () => {
    const { out, pieces } = run(scanner, ['Mail bob', '@exam', 'ple.com', ' now']);
    expect(out).toBe('Mail [EMAIL_REDACTED] now');
    expect(pieces.join('')).not.toContain('bob');
  });

  it('gives the whole-text result for every two-chunk split', () => {
    for (let cut = 0; cut <= TEXT.length; cut += 1) {
      expect(run(scanner, [TEXT.slice(0, cut), TEXT.slice(cut)]).out, `cut at ${cut}`).toBe(whole);
    }
  });

  it('gives the whole-text result one character at a time and in random chunks', () => {
    expect(run(scanner, [...TEXT]).out).toBe(whole);
    for (let seed = 1; seed <= 50; seed += 1) expect(run(scanner, chunked(TEXT, seed)).out, `seed ${seed}`).toBe(whole);
  });

  it('never releases a prefix of a value before the value is complete', () => {
    const { pieces } = run(scanner, ['pay 4111 ', '1111 1111 ', '1111 thanks']);
    expect(pieces.slice(0, 2).join('')).toBe('pay');
    expect(pieces.join('')).toBe('pay [CREDIT_CARD_REDACTED] thanks');
  });

  it('releases ordinary prose with at most the last word held back', () => {
    const { pieces } = run(scanner, ['The quick brown ', 'fox jumps over ', 'the lazy dog']);
    expect(pieces[0]).toBe('The quick brown');
    expect(pieces[1]).toBe(' fox jumps over');
    expect(pieces[2]).toBe(' the lazy ');
    expect(pieces[3]).toBe('dog');
  });

  it('reports each value once, with its raw text, when released', () => {
    const { values } = run(scanner, chunked(TEXT, 7));
    expect(values).toEqual(scanner.find(TEXT).map((match) => TEXT.slice(match.start, match.end)));
  });

  it('holds the user-pattern window and still catches a split pattern match', () => {
    const custom = new PiiScanner(['(?i)project[- ]apollo']);
    const text = 'Status of Project Apollo: green. ' + 'x'.repeat(80);
    const expected = applyRedactions(text, custom.find(text));
    expect(expected).toContain('[REDACTED]');
    for (let seed = 1; seed <= 20; seed += 1) expect(run(custom, chunked(text, seed)).out).toBe(expected);
  });

  it('stops holding a pattern match that keeps growing, so the stream cannot stall', () => {
    const custom = new PiiScanner(['x+']);
    const redactor = new PiiStreamRedactor(custom, { replace: true, onMatch: () => undefined });
    let released = '';
    for (let index = 0; index < 1_000; index += 1) released += redactor.push('xxxxxxxxxx');
    expect(released.length).toBeGreaterThan(5_000);
    expect(released + redactor.flush()).toMatch(/^(?:x|\[REDACTED\])+$/);
  });

  it('passes text through unchanged in warn mode but still reports', () => {
    const { out, values } = run(scanner, chunked(TEXT, 3), false);
    expect(out).toBe(TEXT);
    expect(values).toContain('bob.smith@example.com');
  });

  it('keeps surrogate pairs whole across chunk boundaries', () => {
    const text = 'emoji 😀 then a@b.com 😀';
    const out = run(scanner, ['emoji \ud83d', '\ude00 then a@b.com \ud83d', '\ude00']).out;
    expect(out).toBe('emoji 😀 then [EMAIL_REDACTED] 😀');
    expect(out).toBe(applyRedactions(text, scanner.find(text)));
  });
});
