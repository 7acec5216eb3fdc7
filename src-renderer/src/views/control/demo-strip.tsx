import type { ReactNode } from 'react';
import { DEMO_INCIDENT_MARK } from '../../../../src-shared/ipc/demo-marks';
import { formatUsd } from '../../../../src-shared/pricing/format-usd';
import { useDemo } from '../../state/demo-store';


/** The demo run above the control panel: where it is, what has happened, and the closing numbers. */
export function DemoStrip(): ReactNode {
  const demo = useDemo();
  if (demo.status === 'idle') return null;
  const lead = demo.lastLead;
  const percent = lead ? Math.round((lead.index / lead.total) * 100) : 0;
  return (
    <section className="demo-strip" aria-label="Offline demo" data-status={demo.status}>
      <header className="demo-strip-head">
        <strong>Offline demo{demo.runId ? ` · agent_id: ${demo.runId}` : ''}</strong>
        <span className="muted">simulated model, LinkedIn and Clearbit on 127.0.0.1 — no network</span>
        <span className="spacer" />
        {demo.status === 'running' ? (
          <>
            {demo.paused ? null : (
              <button type="button" className="button" disabled={demo.pauseRequested || !demo.runId} onClick={() => demo.pause()}>
                {demo.pauseRequested ? 'Pausing after this lead…' : 'Pause'}
              </button>
            )}
            <button type="button" className="button" onClick={() => demo.cancel()}>
              Stop the demo
            </button>
          </>
        ) : (
          <button type="button" className="button" onClick={() => demo.dismiss()}>
            Close
          </button>
        )}
      </header>
      {demo.step ? <p className="muted">{demo.step}</p> : null}
      {lead ? (
        <div className="demo-progress">
          <progress max={lead.total} value={lead.index} aria-label="Leads processed" />
          <span>
            {lead.index} / {lead.total} leads ({percent}%) · {lead.name}, {lead.company} · {formatUsd(lead.spentUsd)} / {formatUsd(lead.budgetUsd)}
          </span>
        </div>
      ) : null}
      {demo.paused ? (
        <div className="demo-paused" role="status">
          <span>
            Paused after lead #{demo.paused.afterLead}
            {demo.paused.reason === 'incident' ? ' — the incident is on the panel below' : ''}.
          </span>
          <button type="button" className="button primary" onClick={() => demo.resume()}>
            Continue
          </button>
        </div>
      ) : null}
      {demo.incidents.length ? (
        <ol className="demo-incidents" aria-label="Scripted incidents">
          {demo.incidents.map((incident, index) => (
            <li key={index} data-kind={incident.kind}>
              <span aria-hidden="true">{DEMO_INCIDENT_MARK[incident.kind]}</span> <strong>lead #{incident.lead}</strong> {incident.message}
            </li>
          ))}
        </ol>
      ) : null}
      {demo.summary ? (
        <p className="demo-summary">
          Done: {demo.summary.processed} leads, {Math.round(demo.summary.successRate * 100)}% ({demo.summary.succeeded}/{demo.summary.processed}) succeeded, {demo.summary.qualified} qualified ·{' '}
          {formatUsd(demo.summary.spentUsd)} / {formatUsd(demo.summary.budgetUsd)} ({formatUsd(demo.summary.averagePerLeadUsd)} avg/lead) · P95 {demo.summary.latencyMs.p95} ms · saved{' '}
          {formatUsd(demo.summary.savings.totalUsd)}
        </p>
      ) : null}
      {demo.error ? <p className="error-text">{demo.status === 'cancelled' ? 'Stopped.' : `The demo stopped: ${demo.error}`}</p> : null}
    </section>
  );
}
