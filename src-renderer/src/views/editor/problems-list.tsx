import type { ReactNode } from 'react';
import type { DockfileDiagnostic } from '../../../../src-shared/dockfile/diagnostics';
import { diagnosticCode } from './markers';

/** The problems under the editor; Enter or click reveals the line. */
export function ProblemsList({ diagnostics, currentFile, onReveal }: { diagnostics: readonly DockfileDiagnostic[]; currentFile: string; onReveal(diagnostic: DockfileDiagnostic): void }): ReactNode {
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.length - errors;
  return (
    <section className="problems" aria-labelledby="problems-title">
      <h2 id="problems-title">
        Problems <span className="muted">{diagnostics.length === 0 ? 'none' : `${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}`}</span>
      </h2>
      <ul className="problem-list" aria-label="Problems">
        {diagnostics.map((diagnostic, index) => {
          const code = diagnosticCode(diagnostic);
          const elsewhere = diagnostic.file !== currentFile;
          return (
            <li key={`${code}-${diagnostic.line}-${diagnostic.column}-${index}`} className={`problem ${diagnostic.severity}`} data-code={code} data-severity={diagnostic.severity}>
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
                <span className="problem-name">{diagnostic.name}</span>
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
