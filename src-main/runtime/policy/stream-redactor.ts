/**
 * Redacts a text that arrives in pieces (model tokens). A value can be split anywhere
 * (`bob` `@exam` `ple.com`), so each push releases only the text no PII match can still reach
 * into: the scanner's holdback bounds the tail by each detector's alphabet and maximum length,
 * so ordinary prose is held back by about one word, a half-written card number or e-mail until
 * it ends. A match that straddles the cut moves the cut back to its start, so a value is always
 * redacted whole. `redact_patterns` have no alphabet, so with any configured the last
 * USER_PATTERN_STREAM_WINDOW characters are always held (longer pattern matches can be split).
 */
import type { PiiMatch, PiiScanner } from './pii-scanner';
import { applyRedactions, resolveOverlaps } from './pii-scanner';

/** Text pieces in, redacted text out; `flush` releases what is still held when the stream ends. */
export interface StreamRedactor {
  push(chunk: string): string;
  flush(): string;
}

/** Released characters kept as left context, so look-behinds and \b see what preceded a held tail. */
const CONTEXT_CHARS = 8;
/**
 * Most characters held back to keep a straddling match whole. Built-in matches are far shorter;
 * only a `redact_patterns` match that keeps growing (`x+` over a run of x) reaches this, and
 * without a cap it would be held, and rescanned on every push, until the stream ends.
 */
const MAX_HELD = 4_096;

export interface StreamRedactorOptions {
  /** False in warn mode: matches are reported, the text passes unchanged. */
  replace: boolean;
  /** Called once per match, when the text containing it is released. */
  onMatch(match: PiiMatch, value: string): void;
}

export class PiiStreamRedactor implements StreamRedactor {
  private pending = '';
  private context = '';

  constructor(
    private readonly scanner: PiiScanner,
    private readonly options: StreamRedactorOptions,
  ) {}

  push(chunk: string): string {
    if (chunk === '') return '';
    this.pending += chunk;
    return this.release(false);
  }

  flush(): string {
    return this.release(true);
  }

  private release(final: boolean): string {
    if (this.pending === '') return '';
    const text = this.context + this.pending;
    const from = this.context.length;
    const holdback = final ? text.length : this.scanner.holdbackStart(text, from);
    let cut = holdback;
    if (cut === from) return '';
    // Candidates that began in text already released cannot be redacted any more; skip them.
    const candidates = this.scanner.candidates(text).filter((match) => match.start >= from);
    if (!final) {
      for (let moved = true; moved; ) {
        moved = false;
        for (const match of candidates) {
          if (match.start < cut && match.end > cut) {
            cut = match.start;
            moved = true;
          }
        }
      }
      if (text.length - cut > MAX_HELD) cut = holdback;
      if (cut === from) return '';
    }
    const matches = resolveOverlaps(candidates.filter((match) => match.end <= cut));
    for (const match of matches) this.options.onMatch(match, text.slice(match.start, match.end));
    const out = this.options.replace ? applyRedactions(text, matches, from, cut) : text.slice(from, cut);
    this.context = text.slice(Math.max(0, cut - CONTEXT_CHARS), cut);
    this.pending = text.slice(cut);
    return out;
  }
}
