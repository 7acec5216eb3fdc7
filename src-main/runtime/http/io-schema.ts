/**
 * The agent's input and output schemas at run time: inline Dockfile schemas, or (for Pydantic
 * class paths) the JSON Schema the Python adapter reports. Input that does not match is the
 * caller's fault (422 ValidationError); output that does not match is the agent's (500
 * SchemaMismatch) — both say which field and why.
 */
import Ajv from 'ajv';
import type { ErrorObject, ValidateFunction } from 'ajv';
import type { DockSpec } from '../../../src-shared/dockfile/types';
import type { IoSchemas } from '../contracts';

export type { IoSchemas } from '../contracts';

export interface SchemaProblem {
  path: string;
  message: string;
}

export interface IoValidator {
  schemas: IoSchemas;
  checkInput(value: unknown): SchemaProblem[];
  checkOutput(value: unknown): SchemaProblem[];
}

const OPEN_OBJECT = { type: 'object' } as const;

/** The inline schemas of a spec, or undefined for class-path specs (the adapter knows those). */
export function inlineSchemas(spec: DockSpec): IoSchemas | undefined {
  const io = spec.io_schema as { input?: Record<string, unknown>; output?: Record<string, unknown> };
  if (!io.input || !io.output) return undefined;
  return { input: io.input, output: io.output };
}

/** Compiles validators for the agent's schemas (open objects when none are known). */
export function createIoValidator(schemas: IoSchemas | undefined): IoValidator {
  const resolved = schemas ?? { input: OPEN_OBJECT, output: OPEN_OBJECT };
  // strict: false — user schemas may carry keywords Ajv does not know (nullable, examples…).
  const ajv = new (interopDefault(Ajv))({ allErrors: true, strict: false, coerceTypes: false, validateFormats: false });
  const input = ajv.compile(resolved.input);
  const output = ajv.compile(resolved.output);
  return {
    schemas: resolved,
    checkInput: (value) => problems(input, value, 'input'),
    checkOutput: (value) => problems(output, value, 'output'),
  };
}

function problems(validate: ValidateFunction, value: unknown, root: string): SchemaProblem[] {
  if (validate(value)) return [];
  return (validate.errors ?? []).slice(0, 20).map((error) => describe(error, root));
}

function describe(error: ErrorObject, root: string): SchemaProblem {
  const base = root + error.instancePath.replace(/\/(\d+)(?=\/|$)/g, '[$1]').replace(/\//g, '.');
  if (error.keyword === 'required') {
    const field = String((error.params as { missingProperty: string }).missingProperty);
    return { path: `${base}.${field}`, message: `${base}.${field} is required` };
  }
  if (error.keyword === 'additionalProperties') {
    const field = String((error.params as { additionalProperty: string }).additionalProperty);
    return { path: `${base}.${field}`, message: `${base}.${field} is not an allowed field` };
  }
  return { path: base, message: `${base} ${error.message ?? 'is invalid'}` };
}

/** Summarises problems in one line for the envelope's detail. */
export function summarise(problems: SchemaProblem[]): string {
  const shown = problems.slice(0, 3).map((p) => p.message);
  return shown.join('; ') + (problems.length > 3 ? `; and ${problems.length - 3} more` : '');
}

function interopDefault<T>(module: T): T {
  return (module as { default?: T }).default ?? module;
}
