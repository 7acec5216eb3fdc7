/** Recognising the SQLite constraint failures repositories turn into coded errors. */

/**
 * What a UNIQUE violation names (`agents.resource_name`, or `index 'secrets_live_name'` for an
 * expression index), or undefined when `error` is something else.
 */
export function uniqueViolation(error: unknown): string | undefined {
  const { code, message } = error as { code?: unknown; message?: unknown };
  if ((code !== 'SQLITE_CONSTRAINT_UNIQUE' && code !== 'SQLITE_CONSTRAINT_PRIMARYKEY') || typeof message !== 'string') return undefined;
  return message.replace(/^UNIQUE constraint failed: /, '');
}

/** True for a FOREIGN KEY violation (a row refers to one that does not exist). */
export function isForeignKeyViolation(error: unknown): boolean {
  return (error as { code?: unknown }).code === 'SQLITE_CONSTRAINT_FOREIGNKEY';
}
