/**
 * Finds PII in one string: the built-in detectors plus the Dockfile's `redact_patterns`, every
 * regex compiled once here so a request costs only their execution. Overlapping candidates (an
 * IPv4 inside an IPv6, a user pattern inside an email) are resolved longest-first, then
 * earliest, then by detector order, so a character is redacted at most once and the output is
 * the same for the same input.
 */
import { compileRedactPattern } from '../../../src-shared/dockfile/semantic/redact-pattern';
import { BUILT_IN_DETECTORS, USER_PATTERN_TOKEN, redactionToken } from './pii-detectors';
import type { PiiDetector, PiiSeverity } from './pii-detectors';

export interface PiiMatch {
  /** Offsets into the scanned text, end exclusive (UTF-16 code units). */
  start: number;
  end: number;
  /** Rule id used in events: `pii.EMAIL`, or `safety.redact_patterns[2]` for a Dockfile pattern. */
  rule: string;
  /** `EMAIL`, `PHONE`, …, or `CUSTOM_PATTERN` for a Dockfile pattern. */
  type: string;
  severity: PiiSeverity;
  /** What replaces the value. */
  token: string;
  /** Rule order; breaks ties between equally long overlapping matches. */
  priority: number;
}

/** Type recorded for a `redact_patterns` match. */
export const CUSTOM_PATTERN_TYPE = 'CUSTOM_PATTERN';

/**
 * Longest `redact_patterns` match the streaming redactor is guaranteed to catch across chunk
 * boundaries: the stream always holds back this many characters when the Dockfile has patterns,
 * since an arbitrary regex gives no alphabet to bound the tail by.
 */
export const USER_PATTERN_STREAM_WINDOW = 64;

/** A `redact_patterns` entry that does not compile (the deploy-time validator should have caught it). */
export class RedactPatternError extends Error {
  override name = 'RedactPatternError';
}

interface CompiledRule {
  rule: string;
  type: string;
  severity: PiiSeverity;
  token: string;
  pattern: RegExp;
  validate?: PiiDetector['validate'];
}

export class PiiScanner {
  private readonly rules: CompiledRule[];
  private readonly hasUserPatterns: boolean;

  constructor(
    redactPatterns: readonly string[] = [],
    private readonly detectors: readonly PiiDetector[] = BUILT_IN_DETECTORS,
  ) {
    this.rules = detectors.map((detector) => ({
      rule: `pii.${detector.type}`,
      type: detector.type,
      severity: detector.severity,
      token: redactionToken(detector.type),
      // A private copy: `lastIndex` is state, and another scanner must not share it.
      pattern: new RegExp(detector.pattern.source, detector.pattern.flags.includes('g') ? detector.pattern.flags : `${detector.pattern.flags}g`),
      ...(detector.validate ? { validate: detector.validate } : {}),
    }));
    redactPatterns.forEach((source, index) => {
      const compiled = compileRedactPattern(source);
      if (!compiled.ok) throw new RedactPatternError(`policies.safety.redact_patterns[${index}] does not compile: ${compiled.message}`);
      this.rules.push({ rule: `safety.redact_patterns[${index}]`, type: CUSTOM_PATTERN_TYPE, severity: 'high', token: USER_PATTERN_TOKEN, pattern: compiled.pattern.regex });
    });
    this.hasUserPatterns = redactPatterns.length > 0;
  }

  /** Every candidate of every rule, validated but not yet de-overlapped, sorted by start. */
  candidates(text: string): PiiMatch[] {
    const found: PiiMatch[] = [];
    this.rules.forEach((rule, priority) => {
      const pattern = rule.pattern;
      pattern.lastIndex = 0;
      for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
        const value = match[0];
        if (value === '') {
          // A pattern that can match nothing would loop forever and redact nothing; step over.
          pattern.lastIndex = match.index + (isHighSurrogate(text.charCodeAt(match.index)) ? 2 : 1);
          continue;
        }
        let length = value.length;
        if (rule.validate) {
          const verdict = rule.validate(value);
          length = verdict === true ? value.length : verdict === false ? 0 : Math.min(verdict, value.length);
          // A rejected candidate may hide a real one starting inside it ("12-4111-1111-1111-1111").
          if (length <= 0) {
            pattern.lastIndex = match.index + 1;
            continue;
          }
          pattern.lastIndex = match.index + length;
        }
        found.push({ start: match.index, end: match.index + length, rule: rule.rule, type: rule.type, severity: rule.severity, token: rule.token, priority });
      }
    });
    return found.sort(byStart);
  }

  /** The matches to redact: non-overlapping, sorted by start. */
  find(text: string): PiiMatch[] {
    return resolveOverlaps(this.candidates(text));
  }

  /**
   * Where a streamed text must be cut so that everything before the cut can be released: no
   * match that more text could still extend (or complete) starts before it. `from` is the first
   * offset that may be released at all.
   */
  holdbackStart(text: string, from: number): number {
    let start = text.length;
    for (const detector of this.detectors) {
      const limit = Math.max(from, text.length - detector.maxLength);
      let index = text.length;
      while (index > limit && detector.alphabet(text.charCodeAt(index - 1))) index -= 1;
      start = Math.min(start, index);
    }
    if (this.hasUserPatterns) start = Math.min(start, text.length - USER_PATTERN_STREAM_WINDOW);
    start = Math.max(start, from);
    if (start > from && isHighSurrogate(text.charCodeAt(start - 1))) start -= 1;
    return start;
  }
}

function byStart(a: PiiMatch, b: PiiMatch): number {
  return a.start - b.start || b.end - a.end || a.priority - b.priority;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

/** Keeps a non-overlapping subset of start-sorted matches: longest first, then earliest, then lowest priority. */
export function resolveOverlaps(sorted: readonly PiiMatch[]): PiiMatch[] {
  let overlapping = false;
  let maxEnd = -1;
  for (const match of sorted) {
    if (match.start < maxEnd) overlapping = true;
    maxEnd = Math.max(maxEnd, match.end);
  }
  if (!overlapping) return [...sorted];
  const first = sorted[0]?.start ?? 0;
  // One byte per covered character: total work is bounded by the sum of match lengths, which
  // is at most (rules × text length) because a single rule's matches never overlap each other.
  const taken = new Uint8Array(maxEnd - first);
  const kept: PiiMatch[] = [];
  const byPreference = [...sorted].sort((a, b) => b.end - b.start - (a.end - a.start) || a.start - b.start || a.priority - b.priority);
  for (const match of byPreference) {
    let free = true;
    for (let index = match.start - first; index < match.end - first; index += 1) {
      if (taken[index] === 1) {
        free = false;
        break;
      }
    }
    if (!free) continue;
    taken.fill(1, match.start - first, match.end - first);
    kept.push(match);
  }
  return kept.sort(byStart);
}

/** `text[from, to)` with each match (sorted, non-overlapping, inside the range) replaced by its token. */
export function applyRedactions(text: string, matches: readonly PiiMatch[], from = 0, to = text.length): string {
  let out = '';
  let cursor = from;
  for (const match of matches) {
    out += text.slice(cursor, match.start) + match.token;
    cursor = match.end;
  }
  return out + text.slice(cursor, to);
}
