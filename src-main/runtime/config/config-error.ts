/**
 * The one error type for config bundle problems. Its message always names the file, what is wrong
 * and what to do, and never quotes a value read from the bundle (secrets.json holds secrets).
 */

/** A config bundle problem, with what to do about it. */
export class RuntimeConfigError extends Error {
  override name = 'RuntimeConfigError';
}
