import type { ReactNode } from 'react';
import type { DockfileDiagnostic } from '../../../../src-shared/dockfile/diagnostics';
import { countProblems, diagnosticCode, errorsFirst, problemSummary } from './markers';

/** The problems under the editor, errors first then lint warnings, each group captioned; Enter or click reveals the line. */
export function ProblemsList({ diagnostics, currentFile, onReveal }: { diagnostics: readonly DockfileDiagnostic[]; currentFile: string; onReveal(diagnostic: DockfileDiagnostic): void }): ReactNode {
  const counts = countProblems(diagnostics);
  const ordered = errorsFirst(diagnostics);
  return (
    <section className="problems" aria-labelledby="problems-title">
      <h2 id="problems-title">
        Problems <span className="muted">{diagnostics.length === 0 ? 'none' : problemSummary(counts)}</span>
      </h2>
      <ul className="problem-list" aria-label="Problems">
        {ordered.map((diagnostic, index) => {
          const code = diagnosticCode(diagnostic);
          const elsewhere = diagnostic.file !== currentFile;
          const startsGroup = index === 0 || ordered[index - 1]!.severity !== diagnostic.severity;
          return (
            <li key={`${code}-${diagnostic.line}-${diagnostic.column}-${index}`} className={`problem ${diagnostic.severity}`} data-code={code} data-severity={diagnostic.severity}>
              {startsGroup ? (
                // The button's name already starts with the severity; the caption is for the eye.
                <span className={`problem-group ${diagnostic.severity}`} aria-hidden="true">
                  {diagnostic.severity === 'error' ? `Errors (${counts.errors})` : `Warnings (${counts.warnings})`}
                </span>
              ) : null}
              <button
                type="button"
                className="problem-button"
                aria-label={`${diagnostic.severity} ${code} ${diagnostic.name} at line ${diagnostic.line}: ${diagnostic.message}`}
                onClick={() => onReveal(diagnostic)}
                disabled={elsewhere}
              >
                <span className={`severity-icon ${diagnostic.severity}`} aria-hidden="true">
                  {diagnostic.severity === 'error' ? '✕' : '!'}
                </span>
                <span className="mono problem-code">{code}</span>
                <span className="problem-name">{diagnostic.rule ?? diagnostic.name}</span>
                <span className="problem-message">
                  {diagnostic.message}
                  {diagnostic.fix ? <span className="muted"> — {diagnostic.fix}</span> : null}
                </span>
                <span className="mono muted problem-where">
                  {elsewhere ? `${diagnostic.file.split('/').pop() ?? diagnostic.file}:` : ''}
                  {diagnostic.line}:{diagnostic.column}
                  {diagnostic.path ? ` ${diagnostic.path}` : ''}
                </span>
              </button>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
