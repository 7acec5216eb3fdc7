import { describe, expect, it } from 'vitest';
import type { DockfileDiagnostic } from '../../../../src-shared/dockfile/diagnostics';
import { validateDockfile, createMemoryHost } from '../../../../src-shared/dockfile';
import { MARKER_SEVERITY, mergeDiagnostics, toMarker } from './markers';

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
