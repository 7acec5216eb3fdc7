/** Output helpers: colour only on a TTY and never with NO_COLOR, so CI logs stay plain text. */
export interface Terminal {
  out(line: string): void;
  err(line: string): void;
  color: boolean;
}

const CODES = { red: 31, green: 32, yellow: 33, dim: 2, bold: 1, cyan: 36 } as const;

/** The process terminal. */
export function processTerminal(): Terminal {
  const color = Boolean(process.stdout.isTTY) && !('NO_COLOR' in process.env) && process.env.TERM !== 'dumb';
  return { out: (line) => process.stdout.write(`${line}\n`), err: (line) => process.stderr.write(`${line}\n`), color };
}

/** Wraps text in an ANSI style when the terminal wants colour. */
export function paint(terminal: Terminal, style: keyof typeof CODES, text: string): string {
  return terminal.color ? `\u001b[${CODES[style]}m${text}\u001b[0m` : text;
}

/** Exit codes shared by every command: deterministic, for CI. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/** A usage error: wrong flags or arguments (exit 2). */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly command?: string,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}
