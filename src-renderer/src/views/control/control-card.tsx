import type { ReactNode } from 'react';

/** One panel of the control panel: a titled region (its heading names it for screen readers). */
export function ControlCard({ id, title, children, actions, wide }: { id: string; title: string; children: ReactNode; actions?: ReactNode; wide?: boolean }): ReactNode {
  return (
    <section className={wide ? 'control-card wide' : 'control-card'} aria-labelledby={`control-${id}`} data-panel={id}>
      <header className="control-card-head">
        <h2 id={`control-${id}`}>{title}</h2>
        {actions}
      </header>
      {children}
    </section>
  );
}

/** A label and its value, the value large. */
export function Figure({ label, value, detail, testId }: { label: string; value: ReactNode; detail?: ReactNode; testId?: string }): ReactNode {
  return (
    <div className="figure">
      <dt>{label}</dt>
      <dd>
        <span className="figure-value" data-testid={testId}>
          {value}
        </span>
        {detail ? <span className="figure-detail muted">{detail}</span> : null}
      </dd>
    </div>
  );
}

/** A horizontal bar for a share in [0, 1]; `tone` colours it. */
export function Meter({ value, label, tone = 'ok' }: { value: number; label: string; tone?: 'ok' | 'warn' | 'bad' }): ReactNode {
  const percent = Math.max(0, Math.min(1, value)) * 100;
  return (
    <div className={`meter ${tone}`} role="progressbar" aria-label={label} aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(percent)}>
      <span className="meter-fill" style={{ width: `${percent}%` }} />
    </div>
  );
}
