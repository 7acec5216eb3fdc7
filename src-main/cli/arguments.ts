import { parseArgs } from 'node:util';
import type { ParseArgsConfig } from 'node:util';
import { TRUST_LEVELS } from '../core/contracts';
import type { TrustLevel } from '../core/contracts';
import { UsageError } from './terminal';

type Options = NonNullable<ParseArgsConfig['options']>;

/** Parses a command's arguments strictly: unknown flags and missing values are usage errors. */
export function parseCommandArguments<T extends Options>(command: string, argv: string[], options: T, maxPositionals: number) {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message.replace(/^.*?: /, '') : String(error), command);
  }
  if (parsed.positionals.length > maxPositionals) {
    throw new UsageError(`unexpected argument ${JSON.stringify(parsed.positionals[maxPositionals])}`, command);
  }
  return parsed;
}

/** Parses repeated `--env KEY=VALUE` flags. */
export function parseEnvAssignments(command: string, values: string[] | undefined): Record<string, string> {
  const env: Record<string, string> = {};
  for (const assignment of values ?? []) {
    const match = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(assignment);
    if (!match) throw new UsageError(`--env expects KEY=VALUE, got ${JSON.stringify(assignment)}`, command);
    Object.defineProperty(env, match[1] as string, { value: match[2] as string, enumerable: true, writable: true, configurable: true });
  }
  return env;
}

/** A whole-number flag in [min, max], or undefined when not given. */
export function wholeNumber(command: string, flag: string, raw: unknown, min: number, max: number): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) throw new UsageError(`--${flag} must be a whole number from ${min} to ${max}`, command);
  return value;
}

/** `--trust` (default STANDARD). */
export function trustLevel(command: string, raw: unknown): TrustLevel {
  const trust = (raw ?? 'STANDARD') as string;
  if (!(TRUST_LEVELS as readonly string[]).includes(trust)) throw new UsageError(`--trust must be one of ${TRUST_LEVELS.join(', ')}`, command);
  return trust as TrustLevel;
}
