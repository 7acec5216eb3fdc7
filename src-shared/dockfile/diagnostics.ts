/**
 * Dockfile diagnostics: the error codes of seed 004 §8.8 and the shape every error and warning
 * takes, so the CLI, the editor markers and the control plane report problems identically.
 */

/** Dockfile error codes (seed 004 §8.8) and their names. */
export const DOCKFILE_ERROR_CODES = {
  4001: 'EnvInterpolationError',
  4002: 'InvalidSchemaError',
  4003: 'EntrypointNotFoundError',
  4004: 'InvalidIOSchemaError',
  4005: 'AuthConfigError',
  4006: 'PolicyValidationError',
  4007: 'UnsupportedFrameworkError',
  4008: 'TelemetryConfigError',
  4009: 'IncludeCycleError',
  4010: 'ExposureError',
} as const;

/**
 * 4001 covers everything that stops a Dockfile being read as data (seed 004 §5.2.13 "Invalid YAML
 * structure", §8.8 "EnvInterpolationError"); these names tell its causes apart.
 */
export const READ_ERROR_NAMES = ['YamlSyntaxError', 'EnvInterpolationError', 'IncludeError', 'InputLimitError'] as const;

export type DockfileErrorCode = keyof typeof DOCKFILE_ERROR_CODES;
export type DockfileErrorName = (typeof DOCKFILE_ERROR_CODES)[DockfileErrorCode] | (typeof READ_ERROR_NAMES)[number];
export type Severity = 'error' | 'warning';

/** Where in which file a diagnostic points; lines and columns are 1-based, the end is exclusive. */
export interface SourceRange {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

export interface DockfileDiagnostic extends SourceRange {
  code: DockfileErrorCode;
  name: DockfileErrorName;
  severity: Severity;
  /** Lint rule id for warnings (`redact-pattern-backtracking`), absent for hard errors. */
  rule?: string;
  /** JSON path hint, e.g. `auth.jwt.secret_key` or `policies.safety.redact_patterns[1]`; '' for the whole file. */
  path: string;
  /** One line: what is wrong. */
  message: string;
  /** One line: what to do about it, when we know. */
  fix?: string;
}

/** A diagnostic before it has been placed in a file. */
export interface DiagnosticDraft {
  code: DockfileErrorCode;
  /** A more specific name than the code's own; only 4001 has them. */
  name?: (typeof READ_ERROR_NAMES)[number];
  severity?: Severity;
  rule?: string;
  path: string;
  message: string;
  fix?: string;
}

/** Fills in a draft's name and severity and places it at `range`. */
export function placeDiagnostic(range: SourceRange, d: DiagnosticDraft): DockfileDiagnostic {
  return {
    ...range,
    code: d.code,
    name: d.name ?? DOCKFILE_ERROR_CODES[d.code],
    severity: d.severity ?? 'error',
    ...(d.rule ? { rule: d.rule } : {}),
    path: d.path,
    message: d.message,
    ...(d.fix ? { fix: d.fix } : {}),
  };
}

/** Orders diagnostics by file, position, errors before warnings, then code, so output is stable for CI diffs. */
export function compareDiagnostics(a: DockfileDiagnostic, b: DockfileDiagnostic): number {
  return (
    (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) ||
    a.line - b.line ||
    a.column - b.column ||
    (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1) ||
    a.code - b.code ||
    (a.path < b.path ? -1 : a.path > b.path ? 1 : 0) ||
    (a.message < b.message ? -1 : a.message > b.message ? 1 : 0)
  );
}

/** Formats one diagnostic as a CI-friendly line: `file:line:col error 4005 auth.jwt.secret_key: message (fix: …)`. */
export function formatDiagnostic(d: DockfileDiagnostic): string {
  const where = `${d.file}:${d.line}:${d.column}`;
  const path = d.path ? ` ${d.path}` : '';
  const rule = d.rule ? ` [${d.rule}]` : '';
  const fix = d.fix ? ` — fix: ${d.fix}` : '';
  return `${where} ${d.severity} ${d.code} ${d.name}${rule}${path}: ${d.message}${fix}`;
}

/** Renders a JSON path from segments: ['a', 'b', 1, 'c'] → `a.b[1].c`. */
export function formatPath(segments: readonly (string | number)[]): string {
  let out = '';
  for (const segment of segments) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(segment)) out += out ? `.${segment}` : segment;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

/** Parses a path written by formatPath back into segments: `a.b[1]["x y"]` → ['a', 'b', 1, 'x y']. */
export function parsePath(path: string): (string | number)[] {
  const segments: (string | number)[] = [];
  const pattern = /([A-Za-z_][A-Za-z0-9_-]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]/g;
  for (const match of path.matchAll(pattern)) {
    if (match[1] !== undefined) segments.push(match[1]);
    else if (match[2] !== undefined) segments.push(Number(match[2]));
    else if (match[3] !== undefined) segments.push(JSON.parse(match[3]) as string);
  }
  return segments;
}

/** A problem found in the loaded value, before it is placed: where (JSON path) and what. */
export interface Finding {
  segments: (string | number)[];
  /** Underline the key (block-level problems) or the value (bad values); default value. */
  prefer?: 'key' | 'value';
  draft: DiagnosticDraft;
}
