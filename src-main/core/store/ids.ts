/**
 * Entity ids: a short type prefix and a ULID-like body (`ag_01J9Z3K4X8M2Q5R7T9V1W3Y5Z7`): 48 bits
 * of creation time then 80 random bits, Crockford base32. Sorting ids sorts by creation time,
 * which keeps B-tree inserts near the end of the index, and the prefix tells a person reading a
 * log or an error what kind of thing an id names.
 */
import { randomBytes } from 'node:crypto';
import type { Clock } from './clock';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** Prefixes in use, one per table with text ids. */
export type IdPrefix = 'ag' | 'ver' | 'dep' | 'key' | 'sec' | 'cat';

/** A new id such as `ag_01J9Z3K4X8M2Q5R7T9V1W3Y5Z7`. */
export function newId(prefix: IdPrefix, clock: Clock): string {
  let time = Math.max(0, Math.floor(clock()));
  let timePart = '';
  for (let index = 0; index < 10; index += 1) {
    timePart = CROCKFORD[time % 32] + timePart;
    time = Math.floor(time / 32);
  }
  let randomPart = '';
  // 10 bytes = 80 bits = 16 base32 characters; read 5 bits at a time.
  const bytes = randomBytes(10);
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      randomPart += CROCKFORD[(buffer >> bits) & 31];
    }
    buffer &= (1 << bits) - 1;
  }
  return `${prefix}_${timePart}${randomPart}`;
}
