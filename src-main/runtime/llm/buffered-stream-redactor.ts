/**
 * A streaming redactor built from a whole-text one, for when the policy engine supplies only
 * `redact(text)`. A PII value can arrive split over several deltas (`bob` `@` `example` `.com`),
 * so text is held back until a whitespace boundary at least `holdBackChars` behind the newest
 * character, and each released piece is redacted whole. A value longer than the hold-back that
 * contains spaces can still be split; the policy engine's own streaming redactor is preferred.
 */
import type { StreamRedactor } from './llm-types';

/** Chars of unbroken text after which a piece is released anyway, so a stream never stalls. */
const MAX_PENDING = 4_096;

/** Wraps a whole-text redactor for streamed text. */
export function bufferedStreamRedactor(redact: (text: string) => string, holdBackChars = 64): StreamRedactor {
  let pending = '';
  return {
    push(text: string): string {
      pending += text;
      const limit = pending.length - holdBackChars;
      if (limit <= 0) return '';
      let cut = -1;
      for (let index = limit - 1; index >= 0; index -= 1) {
        if (/\s/.test(pending[index] ?? '')) {
          cut = index + 1;
          break;
        }
      }
      if (cut === -1) {
        if (pending.length < MAX_PENDING) return '';
        cut = limit;
      }
      const released = pending.slice(0, cut);
      pending = pending.slice(cut);
      return redact(released);
    },
    flush(): string {
      const rest = pending;
      pending = '';
      return rest === '' ? '' : redact(rest);
    },
  };
}
