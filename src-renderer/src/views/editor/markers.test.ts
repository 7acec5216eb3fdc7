import { describe, expect, it } from 'vitest';
import type { DockfileDiagnostic } from '../../../../src-shared/dockfile/diagnostics';
import { validateDockfile, createMemoryHost } from '../../../../src-shared/dockfile';
import { STARTER_DOCKFILE } from './starter-dockfile';
import { MARKER_SEVERITY, countProblems, errorsFirst, mergeDiagnostics, problemStatusLabel, problemSummary, toMarker } from './markers';

function diagnostic(overrides: Partial<DockfileDiagnostic>): DockfileDiagnostic {
  return { file: '/p/Dockfile.yaml', line: 3, column: 5, endLine: 3, endColumn: 9, code: 4002, name: 'InvalidSchemaError', severity: 'error', path: 'agent.name', message: 'must match', ...overrides };
}

describe('toMarker', () => {
  it('puts code, name, message, path and fix in the message and keeps errors and warnings apart', () => {
    const marker = toMarker(diagnostic({ fix: 'use lowercase' }));
    expect(marker).toMatchObject({ severity: MARKER_SEVERITY.Error, code: 'E4002', startLineNumber: 3, startColumn: 5, endColumn: 9 });
    expect(marker.message).toBe('E4002 InvalidSchemaError: must match\nat agent.name\nFix: use lowercase');
    const warning = toMarker(diagnostic({ severity: 'warning', rule: 'redact-pattern-backtracking', code: 4006, name: 'PolicyValidationError' }));
    expect(warning.severity).toBe(MARKER_SEVERITY.Warning);
    expect(warning.code).toBe('redact-pattern-backtracking');
  });

  it('widens an empty range to one character', () => {
    expect(toMarker(diagnostic({ line: 0, column: 0, endLine: 0, endColumn: 0 }))).toMatchObject({ startLineNumber: 1, startColumn: 1, endLineNumber: 1, endColumn: 2 });
  });

  it('turns a real validator diagnostic into a marker', async () => {
    const file = '/project/Dockfile.yaml';
    const text = 'version: "1.0"\nagent:\n  name: Bad Name\n';
    const result = await validateDockfile({ file, host: createMemoryHost({ [file]: text }), text, checkProject: false });
    expect(result.errorCount).toBeGreaterThan(0);
    const markers = result.diagnostics.map(toMarker);
    expect(markers.every((marker) => /^E\d{4} \w+: /.test(marker.message))).toBe(true);
  });
});

describe('mergeDiagnostics', () => {
  const local = [diagnostic({})];
  const project = diagnostic({ code: 4003, name: 'EntrypointNotFoundError', path: 'agent.entrypoint', line: 4 });

  it('prefers the full report when it is for the current text', () => {
    expect(mergeDiagnostics(local, [project], true)).toEqual([project]);
  });

  it('otherwise keeps the local report and adds what only main can find', () => {
    expect(mergeDiagnostics(local, [diagnostic({ line: 2 }), project], false)).toEqual([local[0], project]);
    expect(mergeDiagnostics(local, null, false)).toEqual(local);
  });
});

describe('problem counts', () => {
  const error = diagnostic({});
  const warning = diagnostic({ severity: 'warning', rule: 'redact-pattern-backtracking', code: 4006, name: 'PolicyValidationError', line: 1 });

  it('counts errors and warnings apart and words the header and its accessible name', () => {
    expect(countProblems([error, warning, warning])).toEqual({ errors: 1, warnings: 2 });
    expect(problemSummary({ errors: 1, warnings: 2 })).toBe('1 error, 2 warnings');
    expect(problemSummary({ errors: 0, warnings: 1 })).toBe('0 errors, 1 warning');
    expect(problemSummary({ errors: 0, warnings: 0 })).toBe('valid');
    expect(problemStatusLabel({ errors: 1, warnings: 0 })).toBe('1 errors, 0 warnings');
    expect(problemStatusLabel({ errors: 0, warnings: 2 })).toBe('No errors, 2 warnings');
    expect(problemStatusLabel({ errors: 0, warnings: 0 })).toBe('No errors');
  });

  it('lists errors before warnings, keeping each group in order', () => {
    const later = diagnostic({ line: 9 });
    expect(errorsFirst([warning, error, later])).toEqual([error, later, warning]);
  });

  it('a real lint warning from the validator is a warning marker', async () => {
    const file = '/project/Dockfile.yaml';
    const text = STARTER_DOCKFILE.replace('name: my_agent', 'name: my_agent\n  # `_` in a name is a lint warning (resource-name-mapped), not an error')
      .replace('  rest: true', '  rest: true\n  port: 80');
    const result = await validateDockfile({ file, host: createMemoryHost({ [file]: text }), text, checkProject: false });
    const warnings = result.diagnostics.filter((d) => d.severity === 'warning');
    expect(result.errorCount).toBe(0);
    expect(warnings.map((d) => d.rule)).toEqual(expect.arrayContaining(['resource-name-mapped', 'privileged-port']));
    expect(warnings.map(toMarker).every((marker) => marker.severity === MARKER_SEVERITY.Warning)).toBe(true);
  });
});
