import { useMemo, useState } from 'react';
import type { ReactNode } from 'react';
import type { AgentDetail } from '../../../../src-shared/ipc/console-types';
import { ErrorMessage } from '../../components/error-message';
import { useConsoleMutation } from '../../console/requests';
import { formatMs } from '../../format/format';
import { initialValues, inputFromForm, inputFromJson, planForm } from './schema-form';
import type { FormField, FormValues } from './schema-form';
import { describePolicy, describeUsage, formatRunCost } from './streamed-run';
import type { StreamedRun } from './streamed-run';
import { useStreamedRun } from './use-streamed-run';

/**
 * A form generated from the input schema (JSON fallback), invoking the active version: streamed
 * (tokens as they arrive, policy and tool events inline, then tokens, cost and duration) when the
 * agent streams, or one request/response.
 */
export function PlaygroundTab({ detail }: { detail: AgentDetail }): ReactNode {
  const plan = useMemo(() => planForm(detail.inputSchema), [detail.inputSchema]);
  const [values, setValues] = useState<FormValues>(() => (plan.fallback ? {} : initialValues(plan.fields)));
  const [json, setJson] = useState(plan.fallback ? plan.template : '');
  const [problem, setProblem] = useState<string | null>(null);
  const [stream, setStream] = useState(detail.streaming);
  const [shown, setShown] = useState<'stream' | 'invoke' | null>(null);
  const invoke = useConsoleMutation('agents:invoke');
  const streamed = useStreamedRun();
  const streaming = streamed.run?.status === 'running';

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
          const useStream = stream && detail.streaming;
          setShown(useStream ? 'stream' : 'invoke');
          if (useStream) streamed.start({ agent: detail.row.agent, input: parsed.input });
          else invoke.mutate({ agent: detail.row.agent, input: parsed.input });
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
        <div className="playground-actions">
          <button type="submit" className="button primary" disabled={invoke.isPending || streaming}>
            {invoke.isPending ? 'Invoking…' : streaming ? 'Streaming…' : 'Invoke'}
          </button>
          {streaming ? (
            <button type="button" className="button" onClick={streamed.stop}>
              Stop
            </button>
          ) : null}
          <label className="field checkbox" title={detail.streaming ? 'Show tokens and policy events as they happen' : `${detail.row.agent} does not stream (expose.streaming: none)`}>
            <input type="checkbox" checked={stream && detail.streaming} disabled={!detail.streaming || streaming} onChange={(event) => setStream(event.target.checked)} />
            <span>Stream</span>
          </label>
        </div>
      </form>
      {shown === 'invoke' && invoke.isError ? <ErrorMessage error={invoke.error} title="Invocation failed" /> : null}
      {shown === 'invoke' && invoke.data ? (
        <section className="invocation-result" aria-label="Invocation result" data-status={invoke.data.status}>
          <div className="result-meta">
            <span className={invoke.data.status < 400 ? 'badge found' : 'badge not-found'}>HTTP {invoke.data.status}</span>
            <span className="mono">{formatMs(invoke.data.durationMs)}</span>
            {invoke.data.traceId ? <span className="mono muted">trace {invoke.data.traceId}</span> : null}
          </div>
          <pre className="output mono">{typeof invoke.data.output === 'string' ? invoke.data.output : JSON.stringify(invoke.data.output, null, 2)}</pre>
        </section>
      ) : null}
      {shown === 'stream' && streamed.failure ? <ErrorMessage error={streamed.failure} title="Streaming failed" /> : null}
      {shown === 'stream' && streamed.run ? <StreamedResult run={streamed.run} /> : null}
    </div>
  );
}

const STATUS_LABELS: Record<StreamedRun['status'], { text: string; badge: string }> = {
  running: { text: 'Streaming', badge: 'badge' },
  done: { text: 'Done', badge: 'badge found' },
  failed: { text: 'Failed', badge: 'badge not-found' },
  stopped: { text: 'Stopped', badge: 'badge' },
  lost: { text: 'Ended before the run finished', badge: 'badge not-found' },
};

/** The live transcript of a streamed run, then its output and figures (or the runtime's error). */
function StreamedResult({ run }: { run: StreamedRun }): ReactNode {
  const label = STATUS_LABELS[run.status];
  return (
    <section className="invocation-result" aria-label="Streamed run" data-status={run.status}>
      <div className="result-meta">
        <span className={label.badge}>{label.text}</span>
        {run.version ? <span className="mono">{run.version}</span> : null}
        {run.policyEvents > 0 ? <span className="badge policy-count">{run.policyEvents === 1 ? '1 policy event' : `${run.policyEvents} policy events`}</span> : null}
        {run.traceId ? <span className="mono muted">trace {run.traceId}</span> : null}
      </div>
      <div className="output mono transcript" role="log" aria-label="Streamed output" aria-live="polite" aria-busy={run.status === 'running'}>
        {run.transcript.length === 0 && run.status === 'running' ? <span className="muted">Waiting for the first token…</span> : null}
        {run.transcript.map((item, index) =>
          item.kind === 'text' ? (
            <span key={index}>{item.text}</span>
          ) : item.kind === 'policy' ? (
            <span key={index} className="inline-event policy" data-action={item.action}>
              policy: {describePolicy(item)}
            </span>
          ) : (
            <span key={index} className={`inline-event tool tool-${item.phase}`}>
              tool {item.name} {item.phase}
              {item.reason ? `: ${item.reason}` : ''}
            </span>
          ),
        )}
      </div>
      {run.error ? (
        <div className="error-box" role="alert" data-error-code={run.error.code ?? undefined}>
          <strong>The run failed{run.error.status !== 200 ? ` (HTTP ${run.error.status})` : ''}</strong>
          <span className="error-code">
            {run.error.code ?? ''} {run.error.error}
          </span>
          <span className="error-text">{run.error.detail}</span>
        </div>
      ) : null}
      {run.status === 'done' ? (
        <>
          <dl className="facts run-figures" aria-label="Run figures">
            <div className="fact">
              <dt>Tokens</dt>
              <dd>{describeUsage(run.usage)}</dd>
            </div>
            <div className="fact">
              <dt>Cost</dt>
              <dd className="mono">{run.usage ? formatRunCost(run.usage.costUsd) : '—'}</dd>
            </div>
            <div className="fact">
              <dt>Duration</dt>
              <dd className="mono">
                {formatMs(run.durationMs)}
                {run.latencyMs !== null ? <span className="muted"> (runtime {formatMs(run.latencyMs)})</span> : null}
              </dd>
            </div>
          </dl>
          <h3 className="output-heading">Output</h3>
          <pre className="output mono" aria-label="Run output">
            {typeof run.output === 'string' ? run.output : JSON.stringify(run.output, null, 2)}
          </pre>
        </>
      ) : null}
    </section>
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
