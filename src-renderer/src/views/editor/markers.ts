/**
 * Dockfile diagnostics as editor markers and problem-list entries, and how the fast in-renderer
 * check and the slower full check in main (project checks included) are combined.
 */
import type { DockfileDiagnostic } from '../../../../src-shared/dockfile/diagnostics';

/** Monaco's MarkerSeverity values (kept here so this module stays free of Monaco and testable). */
export const MARKER_SEVERITY = { Error: 8, Warning: 4 } as const;

export interface MarkerData {
  severity: number;
  message: string;
  code: string;
  source: string;
  startLineNumber: number;
  startColumn: number;
  endLineNumber: number;
  endColumn: number;
}

/** `E4002 InvalidSchemaError: …` — the code as the CLI and the docs print it. */
export function diagnosticCode(diagnostic: Pick<DockfileDiagnostic, 'code'>): string {
  return `E${diagnostic.code}`;
}

/** The marker message: `E4002 InvalidSchemaError: message`, the path, then the fix on its own line. */
export function markerMessage(diagnostic: DockfileDiagnostic): string {
  const head = `${diagnosticCode(diagnostic)} ${diagnostic.name}: ${diagnostic.message}`;
  const where = diagnostic.path ? `\nat ${diagnostic.path}` : '';
  return diagnostic.fix ? `${head}${where}\nFix: ${diagnostic.fix}` : `${head}${where}`;
}

/** One diagnostic as Monaco marker data; errors and lint warnings get distinct severities. */
export function toMarker(diagnostic: DockfileDiagnostic): MarkerData {
  const startLineNumber = Math.max(1, diagnostic.line);
  const startColumn = Math.max(1, diagnostic.column);
  let endLineNumber = Math.max(startLineNumber, diagnostic.endLine);
  let endColumn = diagnostic.endColumn;
  // A zero-width range would be invisible: underline at least one character.
  if (endLineNumber === startLineNumber && endColumn <= startColumn) {
    endLineNumber = startLineNumber;
    endColumn = startColumn + 1;
  }
  return {
    severity: diagnostic.severity === 'error' ? MARKER_SEVERITY.Error : MARKER_SEVERITY.Warning,
    message: markerMessage(diagnostic),
    code: diagnostic.rule ?? diagnosticCode(diagnostic),
    source: 'dockfile',
    startLineNumber,
    startColumn,
    endLineNumber,
    endColumn,
  };
}

const keyOf = (d: DockfileDiagnostic): string => `${d.code}|${d.path}|${d.line}|${d.column}|${d.message}`;
const codePathOf = (d: DockfileDiagnostic): string => `${d.code}|${d.path}`;

/**
 * What to show: main's full report when it is for the current text (it includes everything the
 * renderer checks, plus project checks); otherwise the renderer's report for the current text
 * plus whatever main found that the renderer cannot (entrypoint, I/O classes) from the last
 * full report, until the next one arrives.
 */
export function mergeDiagnostics(local: readonly DockfileDiagnostic[], remote: readonly DockfileDiagnostic[] | null, remoteIsCurrent: boolean): DockfileDiagnostic[] {
  if (remote && remoteIsCurrent) return [...remote];
  if (!remote) return [...local];
  const seen = new Set(local.map(codePathOf));
  const localKeys = new Set(local.map(keyOf));
  return [...local, ...remote.filter((d) => !seen.has(codePathOf(d)) && !localKeys.has(keyOf(d)))];
}

export interface ProblemCounts {
  errors: number;
  warnings: number;
}

/** How many errors and lint warnings there are. */
export function countProblems(diagnostics: readonly Pick<DockfileDiagnostic, 'severity'>[]): ProblemCounts {
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  return { errors, warnings: diagnostics.length - errors };
}

const plural = (count: number, noun: string): string => `${count} ${noun}${count === 1 ? '' : 's'}`;

/** `2 errors, 1 warning`, or `valid` when there is nothing to report. */
export function problemSummary({ errors, warnings }: ProblemCounts): string {
  return errors === 0 && warnings === 0 ? 'valid' : `${plural(errors, 'error')}, ${plural(warnings, 'warning')}`;
}

/** The status badge's accessible name: `2 errors, 1 warnings`, `No errors, 1 warnings`, or `No errors` (stable wording for tests and screen readers). */
export function problemStatusLabel({ errors, warnings }: ProblemCounts): string {
  const head = errors > 0 ? `${errors} errors` : 'No errors';
  return warnings > 0 || errors > 0 ? `${head}, ${warnings} warnings` : head;
}

/** Errors first, then warnings, each group in the order given (the validator's: by position). */
export function errorsFirst<T extends Pick<DockfileDiagnostic, 'severity'>>(diagnostics: readonly T[]): T[] {
  return [...diagnostics.filter((d) => d.severity === 'error'), ...diagnostics.filter((d) => d.severity !== 'error')];
}
