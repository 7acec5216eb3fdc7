/**
 * Built-in PII detectors (seed 002 #5): a regex finds candidates, a validator drops the ones that
 * cannot be real (Luhn for cards, mod-97 for IBANs, the parser for IPv6), so ordinary numbers,
 * dates and times are left alone. Every pattern has bounded quantifiers and no nested ambiguous
 * repeats: they run on untrusted request bodies up to ~1 MB, so each must stay linear-ish.
 *
 * `maxLength` and `alphabet` serve the streaming redactor: a match is never longer than
 * `maxLength`, and every character of a match satisfies `alphabet`, so the stream only has to hold
 * back a trailing run of such characters to be sure no value is released half-redacted.
 */
import { isIPv6 } from 'node:net';
import type { PiiAuditRecord } from '../contracts';
import { ibanPatternSource, ibanValid } from './iban';

export type PiiSeverity = PiiAuditRecord['severity'];

export interface PiiDetector {
  /** Upper-case type name; the redaction token is `[<type>_REDACTED]`. */
  readonly type: string;
  readonly severity: PiiSeverity;
  /** Global regex producing candidates. */
  readonly pattern: RegExp;
  /**
   * Checks a candidate: true keeps it whole, false (or 0) drops it, a number keeps only that many
   * leading characters (a card number followed by an unrelated digit group).
   */
  readonly validate?: (match: string) => boolean | number;
  /** Longest possible match, in UTF-16 code units. */
  readonly maxLength: number;
  /** True for a character code that can occur inside a match. */
  readonly alphabet: (code: number) => boolean;
}

const isDigit = (code: number): boolean => code >= 48 && code <= 57;
const isUpper = (code: number): boolean => code >= 65 && code <= 90;
const isLower = (code: number): boolean => code >= 97 && code <= 122;
const isHexLetter = (code: number): boolean => (code >= 65 && code <= 70) || (code >= 97 && code <= 102);
const oneOf = (chars: string): ((code: number) => boolean) => {
  const set = new Set([...chars].map((char) => char.charCodeAt(0)));
  return (code) => set.has(code);
};
const isEmailPunctuation = oneOf('._%+-@');
const isPhonePunctuation = oneOf(' +().-');

/** True when the digits pass the Luhn checksum used by payment card numbers. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let index = 0; index < digits.length; index += 1) {
    let value = digits.charCodeAt(digits.length - 1 - index) - 48;
    if (value < 0 || value > 9) return false;
    if (index % 2 === 1) {
      value *= 2;
      if (value > 9) value -= 9;
    }
    sum += value;
  }
  return digits.length > 0 && sum % 10 === 0;
}

/** Card candidate check: 13–19 digits, Luhn-valid, not one repeated digit; else the longest valid prefix that ends at a separator. */
export function validateCardNumber(match: string): number {
  // Digits and where each ends in `match`, read once: on a hostile body this runs for every
  // digit group, so the prefix checks below must not re-scan strings.
  const digits: number[] = [];
  const ends: number[] = [];
  for (let index = 0; index < match.length; index += 1) {
    const value = match.charCodeAt(index) - 48;
    if (value >= 0 && value <= 9) {
      digits.push(value);
      ends.push(index + 1);
    }
  }
  // "4111 1111 1111 1111 12 units": the regex took the trailing group too; the card is the prefix.
  for (let count = Math.min(19, digits.length); count >= 13; count -= 1) {
    const end = ends[count - 1] as number;
    const next = match[end];
    if (count < digits.length && next !== ' ' && next !== '-') continue;
    if (luhnPrefix(digits, count) && !sameDigit(digits, count)) return end;
  }
  return 0;
}

function luhnPrefix(digits: readonly number[], count: number): boolean {
  let sum = 0;
  for (let offset = 0; offset < count; offset += 1) {
    let value = digits[count - 1 - offset] as number;
    if (offset % 2 === 1) {
      value *= 2;
      if (value > 9) value -= 9;
    }
    sum += value;
  }
  return sum % 10 === 0;
}

function sameDigit(digits: readonly number[], count: number): boolean {
  for (let index = 1; index < count; index += 1) if (digits[index] !== digits[0]) return false;
  return true;
}

/** International phone check: E.164 allows 8–15 digits including the country code. */
function validatePhone(match: string): boolean {
  if (!match.startsWith('+')) return true;
  const digits = match.replace(/\D/g, '').length;
  return digits >= 8 && digits <= 15;
}

const OCTET = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
const IPV4 = `${OCTET}(?:\\.${OCTET}){3}`;

/** The built-in detectors, in priority order (earlier wins a tie between equally long overlapping matches). */
export const BUILT_IN_DETECTORS: readonly PiiDetector[] = [
  {
    type: 'EMAIL',
    severity: 'high',
    // Local part ≤ 64 (RFC 5321), up to 8 labels of ≤ 63, a letters-only TLD of 2–24. The
    // look-behind starts a match only where a run of local-part characters starts: without it a
    // 1 MB run of letters costs 64 steps per character.
    pattern: /(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]{1,64}@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.){1,8}[A-Za-z]{2,24}(?![A-Za-z0-9-])/g,
    maxLength: 64 + 1 + 8 * 64 + 24,
    alphabet: (code) => isDigit(code) || isUpper(code) || isLower(code) || isEmailPunctuation(code),
  },
  {
    type: 'SSN',
    severity: 'critical',
    // US SSN: area 000, 666 and 900–999, group 00 and serial 0000 are never issued.
    pattern: /(?<![\w-])(?!000|666|9\d\d)\d{3}([- ])(?!00)\d{2}\1(?!0000)\d{4}(?![\w-])/g,
    maxLength: 11,
    alphabet: (code) => isDigit(code) || code === 45 || code === 32,
  },
  {
    type: 'CREDIT_CARD',
    severity: 'critical',
    // Every card format starts with a 4-digit group (4-4-4-4, 4-6-5, compact); requiring it keeps
    // "1 2 3 4 …" or "123-123-…" from making a candidate at every digit.
    pattern: /(?<!\w)\d{4}(?:[ -]?\d){9,15}(?!\d)/g,
    validate: validateCardNumber,
    maxLength: 19 + 15,
    alphabet: (code) => isDigit(code) || code === 45 || code === 32,
  },
  {
    type: 'IBAN',
    severity: 'high',
    // Upper case only, as ISO 13616 prints it; exact per-country length, then mod-97.
    pattern: new RegExp(ibanPatternSource(), 'g'),
    validate: ibanValid,
    maxLength: 4 + 2 * 30,
    alphabet: (code) => isDigit(code) || isUpper(code) || code === 32,
  },
  {
    type: 'PHONE',
    severity: 'medium',
    // Separators are required in the NANP forms so plain 10-digit numbers (ids, amounts) and
    // dates do not match; a leading + marks an international number, compact or grouped.
    pattern: new RegExp(
      [
        '(?<![\\w+.-])(?:',
        '\\+[1-9]\\d{0,2}(?:[ .-]?\\(\\d{1,4}\\)[ .-]?|[ .-])?\\d{1,4}(?:[ .-]\\d{1,4}){1,5}',
        '|\\+[1-9]\\d{6,14}',
        '|(?:1[ .-]?)?(?:\\(\\d{3}\\)[ .-]?\\d{3}[ .-]?\\d{4}|\\d{3}([ .-])\\d{3}\\1\\d{4})',
        ')(?!\\d|[.-]\\d)',
      ].join(''),
      'g',
    ),
    validate: validatePhone,
    maxLength: 4 + 8 + 4 + 5 * 5,
    alphabet: (code) => isDigit(code) || isPhonePunctuation(code),
  },
  {
    type: 'IP_ADDRESS',
    severity: 'low',
    pattern: new RegExp(`(?<![\\d.])${IPV4}(?!\\.?\\d)`, 'g'),
    maxLength: 15,
    alphabet: (code) => isDigit(code) || code === 46,
  },
  {
    type: 'IP_ADDRESS',
    severity: 'low',
    // IPv6 candidates (hex groups and colons, optional dotted IPv4 tail), confirmed by the parser;
    // times such as 12:30:45 and MAC addresses fail it.
    pattern: new RegExp(`(?<![\\w:])[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}(?:(?<=:)${IPV4})?(?![\\w:]|\\.\\d)`, 'g'),
    validate: (match) => match !== '::' && isIPv6(match),
    maxLength: 4 + 7 * 5 + 15,
    alphabet: (code) => isDigit(code) || isHexLetter(code) || code === 58 || code === 46,
  },
];

/** The replacement for a value of the given type, e.g. `[EMAIL_REDACTED]`. */
export function redactionToken(type: string): string {
  return `[${type}_REDACTED]`;
}

/** The token for a user `redact_patterns` match. */
export const USER_PATTERN_TOKEN = '[REDACTED]';
