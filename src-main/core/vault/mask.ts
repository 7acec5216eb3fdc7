/**
 * Masking for display (seed 002 #30/#33): `sk-proj-abc...xyz`. At most a quarter of the value is
 * shown — up to 11 leading characters (a provider prefix such as `sk-proj-` plus a few, enough to
 * tell keys apart) and, once the value is 32 characters or more, the last 3. Values under 12
 * characters are fully masked with a fixed-width mask, so not even their length shows.
 */

/** Shown instead of a value too short to reveal any of. */
export const FULL_MASK = '********';

/** The display form of a secret value. */
export function maskSecret(value: string): string {
  // Code points, so a mask never splits a surrogate pair.
  const characters = Array.from(value);
  if (characters.length < 12) return FULL_MASK;
  const budget = Math.floor(characters.length / 4);
  const tail = budget >= 8 ? 3 : 0;
  const head = Math.min(11, budget - tail);
  return `${characters.slice(0, head).join('')}...${characters.slice(characters.length - tail).join('')}`;
}
