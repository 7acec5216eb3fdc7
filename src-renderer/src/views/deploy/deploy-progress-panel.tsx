import { useEffect, useRef } from 'react';
import type { ReactNode } from 'react';
import type { DeployOutcome, DeployProgress } from '../../../../src-shared/ipc/console-types';
import { ErrorMessage } from '../../components/error-message';
import { formatClock, formatMs } from '../../format/format';
import { currentActivity, DEPLOY_STEPS, rolledBack, stepMessages, stepStates } from './deploy-steps';
import './deploy.css';

export type DeployRun = { state: 'running' } | { state: 'succeeded'; outcome: DeployOutcome } | { state: 'failed'; error: unknown };

/** A deploy or rollback as it happens: the stepper, the streamed log, then the result or the error. */
export function DeployProgressPanel({ title, progress, run, kind }: { title: string; progress: readonly DeployProgress[]; run: DeployRun; kind: 'deploy' | 'rollback' }): ReactNode {
  const states = stepStates(progress, run.state);
  const messages = stepMessages(progress);
  const activity = run.state === 'running' ? currentActivity(progress) : undefined;
  const log = useRef<HTMLOListElement>(null);
  const lines = progress.length;
  useEffect(() => {
    const element = log.current;
    if (element) element.scrollTop = element.scrollHeight;
  }, [lines]);
  return (
    <section className="deploy-progress" aria-label={title} aria-busy={run.state === 'running'}>
      <ol className="stepper" aria-label="Deploy steps">
        {DEPLOY_STEPS.map((entry, index) => (
          <li key={entry.step} className={`step ${states[index]}`} data-step={entry.step} data-state={states[index]} aria-current={states[index] === 'current' ? 'step' : undefined} title={messages[entry.step]}>
            <span className="step-dot" aria-hidden="true" />
            {entry.label}
          </li>
        ))}
      </ol>
      {/* The target's own progress under the stepper: building, pushing, "rolling out… in ctx/ns". */}
      {activity ? (
        <p className="step-activity" role="status" aria-label="Current activity">
          {activity.phase ? <span className="muted">{activity.phase} · </span> : null}
          <span className="mono">{activity.message}</span>
        </p>
      ) : null}
      {/* A rollback starts with a rolling_back step by design; in a deploy it means the health gate failed. */}
      {kind === 'deploy' && rolledBack(progress) ? (
        <p className="warning-text" role="status">
          The new version did not pass the health gate: rolling back to the previous version.
        </p>
      ) : null}
      <ol className="log" ref={log} aria-label="Deploy log" aria-live="off">
        {progress.map((item, index) => (
          <li key={index} className={item.kind === 'step' ? 'log-step' : 'log-line'}>
            <span className="mono muted">{formatClock(item.at)}</span> {item.kind === 'step' ? <strong>{item.step}</strong> : <span className="muted">{item.phase}</span>} {item.message}
          </li>
        ))}
      </ol>
      {run.state === 'succeeded' ? (
        <div className="result success" role="status" data-deploy-result="succeeded">
          <strong>
            {run.outcome.agent} {run.outcome.version} is active
          </strong>{' '}
          in {formatMs(run.outcome.durationMs)} · {run.outcome.replicas} replica{run.outcome.replicas === 1 ? '' : 's'}
          {run.outcome.previousVersion ? ` · previous ${run.outcome.previousVersion}` : ''}
          {run.outcome.reusedBuild ? ' · build reused' : ''}
          {/* No loopback endpoint (Kubernetes): where it runs, as the readiness gate said it. */}
          {run.outcome.endpoints.length === 0 && messages.health_gate ? <div className="mono">{messages.health_gate}</div> : null}
          {run.outcome.endpoints.length > 0 ? (
            <div className="mono">
              {run.outcome.endpoints.map((endpoint) => (
                <div key={endpoint}>{endpoint}</div>
              ))}
            </div>
          ) : null}
        </div>
      ) : run.state === 'failed' ? (
        <div className="deploy-failure" data-deploy-result="failed">
          <ErrorMessage error={run.error} title={`${title} failed`} />
        </div>
      ) : null}
    </section>
  );
}
