import { useState } from 'react';
import type { ReactNode } from 'react';
import type { KubeConnectionTest, KubeContextRow, TargetsStatus } from '../../../../src-shared/ipc/admin-types';
import { ErrorMessage } from '../../components/error-message';
import { RowActionsCell } from '../../components/row-actions-cell';
import { callConsole, describeError, useConsoleQuery } from '../../console/requests';
import { useCan } from '../../console/use-role';
import { useUi } from '../../state/ui-store';
import { connectionState } from './connection-state';
import '../admin-views.css';

/** Where agents can run: the local process target, the Docker engine, and every kubeconfig context (tested on demand). */
export function TargetsView(): ReactNode {
  const status = useConsoleQuery('targets:status', {});
  return (
    <section className="admin-view" aria-labelledby="targets-title">
      <div className="view-header">
        <h1 id="targets-title">Targets</h1>
        <span className="muted">Where agents can run. Listing contacts no cluster.</span>
        <span className="spacer" />
        <button type="button" className="button small" onClick={() => void status.refetch()} disabled={status.isFetching}>
          {status.isFetching ? 'Refreshing…' : 'Refresh'}
        </button>
      </div>
      {status.isPending ? <p className="muted">Looking for Docker and Kubernetes…</p> : null}
      {status.isError ? <ErrorMessage error={status.error} title="Could not read the targets" onRetry={() => void status.refetch()} /> : null}
      {status.data ? (
        <>
          <ProcessSection status={status.data} />
          <DockerSection status={status.data} />
          <KubernetesSection status={status.data} />
        </>
      ) : null}
    </section>
  );
}

function ProcessSection({ status }: { status: TargetsStatus }): ReactNode {
  return (
    <section className="admin-section" aria-labelledby="target-process">
      <h2 id="target-process">
        Local process <span className="badge found">available</span>
      </h2>
      <p className="muted">{status.process.detail}</p>
    </section>
  );
}

function DockerSection({ status }: { status: TargetsStatus }): ReactNode {
  const navigate = useUi((state) => state.navigate);
  const { docker } = status;
  return (
    <section className="admin-section" aria-labelledby="target-docker" data-testid="docker-target">
      <h2 id="target-docker">Docker engine {docker.available ? <span className="badge found">reachable</span> : <span className="badge not-found">not reachable</span>}</h2>
      <p className={docker.available ? 'muted' : 'warning-text'}>{docker.available ? `Engine ${docker.version ?? '(version unknown)'}.` : docker.problem}</p>
      <table className="table" aria-label="Docker base images">
        <thead>
          <tr>
            <th>Agents in</th>
            <th>Base image</th>
            <th>On this engine</th>
          </tr>
        </thead>
        <tbody>
          {docker.baseImages.map((image) => (
            <tr key={image.language}>
              <td>{image.language === 'node' ? 'JavaScript / TypeScript' : 'Python'}</td>
              <td className="mono">{image.ref}</td>
              <td>
                {image.present === null ? <span className="muted">unknown (engine not reachable)</span> : image.present ? <span className="badge found">present</span> : <span className="badge warning">not pulled</span>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="muted">
        Base images are chosen in{' '}
        <a
          href="#/settings"
          onClick={(event) => {
            event.preventDefault();
            navigate({ view: 'settings' });
          }}
        >
          Settings
        </a>
        ; a missing one is pulled at the first Docker deploy.
      </p>
    </section>
  );
}

function KubernetesSection({ status }: { status: TargetsStatus }): ReactNode {
  const { kubernetes } = status;
  const canTest = useCan('targets:test');
  const [results, setResults] = useState<Record<string, KubeConnectionTest>>({});
  const [failures, setFailures] = useState<Record<string, string>>({});
  const [testing, setTesting] = useState<ReadonlySet<string>>(new Set());

  // Each test runs on its own; a dead context answers within its timeout and never holds the others.
  const test = async (context: string): Promise<void> => {
    setTesting((current) => new Set(current).add(context));
    setFailures(({ [context]: _dropped, ...rest }) => rest);
    try {
      const result = await callConsole('targets:test', { context });
      setResults((current) => ({ ...current, [context]: result }));
    } catch (error) {
      const described = describeError(error);
      setFailures((current) => ({
        ...current,
        [context]: `${described.code ? `${described.code} ${described.name}: ` : ''}${described.message}`,
      }));
    } finally {
      setTesting((current) => {
        const next = new Set(current);
        next.delete(context);
        return next;
      });
    }
  };

  return (
    <section className="admin-section" aria-labelledby="target-kubernetes">
      <h2 id="target-kubernetes">Kubernetes contexts {kubernetes.contexts.length > 0 ? <span className="badge found">{kubernetes.contexts.length} found</span> : <span className="badge">none</span>}</h2>
      <p className="muted">
        {kubernetes.files.length > 0 ? `From ${kubernetes.files.join(', ')}. ` : ''}
        The console connects to a cluster only when asked; Kubernetes is optional.
      </p>
      {kubernetes.problems.length > 0 ? (
        <ul className="problem-notes" aria-label="Kubeconfig problems">
          {kubernetes.problems.map((problem) => (
            <li key={problem} className="warning-text">
              {problem}
            </li>
          ))}
        </ul>
      ) : null}
      {kubernetes.contexts.length > 0 ? (
        <table className="table" aria-label="Kubernetes contexts">
          <thead>
            <tr>
              <th>Context</th>
              <th>Cluster</th>
              <th>User</th>
              <th>Namespace</th>
              <th>Server</th>
              <th>Connection</th>
              {canTest ? <th aria-label="Actions" /> : null}
            </tr>
          </thead>
          <tbody>
            {kubernetes.contexts.map((context) => (
              <ContextRow
                key={context.name}
                context={context}
                canTest={canTest}
                result={results[context.name]}
                failure={failures[context.name]}
                testing={testing.has(context.name)}
                onTest={() => void test(context.name)}
              />
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}

function ContextRow({
  context,
  canTest,
  result,
  failure,
  testing,
  onTest,
}: {
  context: KubeContextRow;
  canTest: boolean;
  result: KubeConnectionTest | undefined;
  failure: string | undefined;
  testing: boolean;
  onTest(): void;
}): ReactNode {
  const state = connectionState(result, testing, failure);
  return (
    <tr data-context={context.name}>
      <td className="mono nowrap">
        {context.name} {context.current ? <span className="badge">current</span> : null}
      </td>
      <td className="mono nowrap">{context.cluster || '—'}</td>
      <td className="mono nowrap">{context.user || '—'}</td>
      <td className="mono">{context.namespace}</td>
      <td className="mono">{context.server ?? '—'}</td>
      <td className="connection-cell" aria-live="polite">
        <span className={`badge ${state.tone}`}>{state.label}</span>
        {state.detail ? <span className="connection-detail">{state.detail}</span> : null}
      </td>
      {canTest ? (
        <RowActionsCell>
          <button type="button" className="button small" aria-label={`Test connection to ${context.name}`} onClick={onTest} disabled={testing}>
            Test connection
          </button>
        </RowActionsCell>
      ) : null}
    </tr>
  );
}
