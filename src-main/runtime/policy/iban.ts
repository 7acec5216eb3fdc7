/**
 * IBAN structure (ISO 13616): two-letter country, two check digits, then a BBAN whose length is
 * fixed per country. The lengths come from the SWIFT IBAN registry; knowing them lets the detector
 * match exactly one account number even when it is printed in groups of four and followed by more
 * text ("BE68 5390 0754 7034 2024"), instead of swallowing the next group and failing the checksum.
 */

/** Total IBAN length (country + check digits + BBAN) per country code. */
export const IBAN_LENGTHS: Readonly<Record<string, number>> = {
  AD: 24, AE: 23, AL: 28, AT: 20, AZ: 28, BA: 20, BE: 16, BG: 22, BH: 22, BI: 27, BR: 29, BY: 28,
  CH: 21, CR: 22, CY: 28, CZ: 24, DE: 22, DJ: 27, DK: 18, DO: 28, EE: 20, EG: 29, ES: 24, FI: 18,
  FK: 18, FO: 18, FR: 27, GB: 22, GE: 22, GI: 23, GL: 18, GR: 27, GT: 28, HR: 21, HU: 28, IE: 22,
  IL: 23, IQ: 23, IS: 26, IT: 27, JO: 30, KW: 30, KZ: 20, LB: 28, LC: 32, LI: 21, LT: 20, LU: 20,
  LV: 21, LY: 25, MC: 27, MD: 24, ME: 22, MK: 19, MN: 20, MR: 27, MT: 31, MU: 30, NI: 28, NL: 18,
  NO: 15, OM: 23, PK: 24, PL: 28, PS: 29, PT: 25, QA: 29, RO: 24, RS: 22, RU: 33, SA: 24, SC: 31,
  SD: 18, SE: 24, SI: 19, SK: 24, SM: 27, SO: 23, ST: 25, SV: 28, TL: 23, TN: 24, TR: 26, UA: 29,
  VA: 22, VG: 24, XK: 20, YE: 30,
};

/** A regex source matching an IBAN of a registered country at its exact length, single spaces allowed between characters. */
export function ibanPatternSource(): string {
  const byLength = new Map<number, string[]>();
  for (const [country, length] of Object.entries(IBAN_LENGTHS)) byLength.set(length, [...(byLength.get(length) ?? []), country]);
  // Longer countries first only for readability: each branch is anchored by its own country codes.
  const branches = [...byLength.entries()]
    .sort(([a], [b]) => b - a)
    .map(([length, countries]) => `(?:${countries.join('|')})\\d{2}(?: ?[A-Z0-9]){${length - 4}}`);
  return `(?<![A-Za-z0-9])(?:${branches.join('|')})(?![A-Za-z0-9])`;
}

/** True when `text` (spaces allowed) is an IBAN of a registered country with the right length and a valid mod-97 checksum. */
export function ibanValid(text: string): boolean {
  const compact = text.replace(/ /g, '');
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]+$/.test(compact)) return false;
  if (IBAN_LENGTHS[compact.slice(0, 2)] !== compact.length) return false;
  const rearranged = compact.slice(4) + compact.slice(0, 4);
  // Piecewise mod 97 over the digit expansion (A=10 … Z=35), so no bigint is needed.
  let remainder = 0;
  for (const char of rearranged) {
    const code = char.charCodeAt(0);
    const value = code >= 65 ? code - 55 : code - 48;
    remainder = value >= 10 ? (remainder * 100 + value) % 97 : (remainder * 10 + value) % 97;
  }
  return remainder === 1;
}
