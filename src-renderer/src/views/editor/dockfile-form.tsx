import { useMemo, useRef } from 'react';
import type { ReactNode } from 'react';
import type { Document } from 'yaml';
import type { DockfileDiagnostic } from '../../../../src-shared/dockfile/diagnostics';
import { formatPath } from '../../../../src-shared/dockfile/diagnostics';
import { parseDockfileYaml } from './dockfile-yaml';
import { readField, removeField, setField } from './document-edit';
import type { FieldPath } from './document-edit';
import { FieldControl } from './form-controls';
import { DOCKFILE_FORM } from './form-fields';

export interface DockfileFormProps {
  text: string;
  /** The whole new buffer after one field changed. */
  onChange(text: string): void;
  diagnostics: readonly DockfileDiagnostic[];
}

/** Validator messages for a field: its own path, and its items' for lists. */
function problemsFor(diagnostics: readonly DockfileDiagnostic[], path: FieldPath): string[] {
  const own = formatPath(path);
  return diagnostics.filter((d) => d.path === own || d.path.startsWith(`${own}[`)).map((d) => `E${d.code}: ${d.message}${d.fix ? ` — ${d.fix}` : ''}`);
}

/**
 * The form view: the common Dockfile fields, each edit applied to the YAML text itself
 * (document-edit.ts), so the editor shows it with fresh markers. While the text does not parse the
 * form shows the last values it could read, disabled, and says why.
 */
export function DockfileForm({ text, onChange, diagnostics }: DockfileFormProps): ReactNode {
  const parsed = useMemo(() => parseDockfileYaml(text), [text]);
  const lastReadable = useRef<Document | null>(null);
  if (parsed.ok) lastReadable.current = parsed.doc;
  const doc = parsed.ok ? parsed.doc : lastReadable.current;
  const disabled = !parsed.ok;

  const apply = (edit: () => string): void => {
    if (disabled) return;
    onChange(edit());
  };
  const change = (path: FieldPath, value: unknown): void => apply(() => (value === undefined ? removeField(text, path) : setField(text, path, value)));

  return (
    <form className="dockfile-form" aria-label="Dockfile form" onSubmit={(event) => event.preventDefault()}>
      {!parsed.ok ? (
        <div className="error-box" role="alert">
          <strong>The form is unavailable while the YAML does not parse</strong>
          <span className="error-text">{parsed.problem}. Fix it in the editor.</span>
        </div>
      ) : null}
      <fieldset className="form-sections" disabled={disabled}>
        {DOCKFILE_FORM.map((section) => (
          <fieldset key={section.title} className="form-section">
            <legend>{section.title}</legend>
            {section.fields.map((field) => (
              <FieldControl
                key={field.path.join('.')}
                field={field}
                value={doc ? readField(doc, field.path) : undefined}
                problems={problemsFor(diagnostics, field.path)}
                onChange={(value) => change(field.path, value)}
                onItemChange={(index, value) => change([...field.path, index], value)}
              />
            ))}
          </fieldset>
        ))}
      </fieldset>
      <p className="muted">Everything else (I/O schema, roles, rate limits, telemetry keys, arguments) is edited in the editor; the form keeps it as it is.</p>
    </form>
  );
}
