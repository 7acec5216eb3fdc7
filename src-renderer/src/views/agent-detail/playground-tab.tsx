import { useMemo, useState } from 'react';
import type { ReactNode } from 'react';
import type { AgentDetail } from '../../../../src-shared/ipc/console-types';
import { ErrorMessage } from '../../components/error-message';
import { useConsoleMutation } from '../../console/requests';
import { formatMs } from '../../format/format';
import { initialValues, inputFromForm, inputFromJson, planForm } from './schema-form';
import type { FormField, FormValues } from './schema-form';

/** A form generated from the input schema (JSON fallback), invoking the active version. */
export function PlaygroundTab({ detail }: { detail: AgentDetail }): ReactNode {
  const plan = useMemo(() => planForm(detail.inputSchema), [detail.inputSchema]);
  const [values, setValues] = useState<FormValues>(() => (plan.fallback ? {} : initialValues(plan.fields)));
  const [json, setJson] = useState(plan.fallback ? plan.template : '');
  const [problem, setProblem] = useState<string | null>(null);
  const invoke = useConsoleMutation('agents:invoke');

  if (!detail.row.version) return <p className="muted">{detail.row.agent} has no active version to invoke. Deploy it first.</p>;

  return (
    <div className="playground">
      <form
        className="stack"
        aria-label="Invocation input"
        onSubmit={(event) => {
          event.preventDefault();
          const parsed = plan.fallback ? inputFromJson(json) : inputFromForm(plan.fields, values);
          if (!parsed.ok) {
            setProblem(parsed.message);
            return;
          }
          setProblem(null);
          invoke.mutate({ agent: detail.row.agent, input: parsed.input });
        }}
      >
        {plan.fallback ? (
          <label className="field">
            <span>Input (JSON object)</span>
            <textarea className="input mono" rows={8} value={json} onChange={(event) => setJson(event.target.value)} spellCheck={false} />
          </label>
        ) : (
          plan.fields.map((field) => <Field key={field.name} field={field} value={values[field.name]} onChange={(value) => setValues((current) => ({ ...current, [field.name]: value }))} />)
        )}
        {problem ? (
          <p className="error" role="alert">
            {problem}
          </p>
        ) : null}
        <div>
          <button type="submit" className="button primary" disabled={invoke.isPending}>
            {invoke.isPending ? 'Invoking…' : 'Invoke'}
          </button>
        </div>
      </form>
      {invoke.isError ? <ErrorMessage error={invoke.error} title="Invocation failed" /> : null}
      {invoke.data ? (
        <section className="invocation-result" aria-label="Invocation result" data-status={invoke.data.status}>
          <div className="result-meta">
            <span className={invoke.data.status < 400 ? 'badge found' : 'badge not-found'}>HTTP {invoke.data.status}</span>
            <span className="mono">{formatMs(invoke.data.durationMs)}</span>
            {invoke.data.traceId ? <span className="mono muted">trace {invoke.data.traceId}</span> : null}
          </div>
          <pre className="output mono">{typeof invoke.data.output === 'string' ? invoke.data.output : JSON.stringify(invoke.data.output, null, 2)}</pre>
        </section>
      ) : null}
    </div>
  );
}

function Field({ field, value, onChange }: { field: FormField; value: string | boolean | undefined; onChange(value: string | boolean): void }): ReactNode {
  const label = (
    <span>
      {field.label}
      {field.required ? <span aria-hidden="true"> *</span> : null}
    </span>
  );
  const hint = field.description ? <small className="muted">{field.description}</small> : null;
  switch (field.kind) {
    case 'boolean':
      return (
        <label className="field checkbox">
          <input type="checkbox" checked={value === true} onChange={(event) => onChange(event.target.checked)} />
          {label}
          {hint}
        </label>
      );
    case 'enum':
      return (
        <label className="field">
          {label}
          <select className="input" value={String(value ?? '')} onChange={(event) => onChange(event.target.value)} required={field.required}>
            {field.options.map((option) => (
              <option key={option}>{option}</option>
            ))}
          </select>
          {hint}
        </label>
      );
    case 'number':
      return (
        <label className="field">
          {label}
          <input className="input mono" inputMode="decimal" value={String(value ?? '')} onChange={(event) => onChange(event.target.value)} aria-required={field.required} />
          {hint}
        </label>
      );
    case 'string':
      return (
        <label className="field">
          {label}
          {field.multiline ? (
            <textarea className="input" rows={3} value={String(value ?? '')} onChange={(event) => onChange(event.target.value)} aria-required={field.required} />
          ) : (
            <input className="input" value={String(value ?? '')} onChange={(event) => onChange(event.target.value)} aria-required={field.required} />
          )}
          {hint}
        </label>
      );
  }
}
