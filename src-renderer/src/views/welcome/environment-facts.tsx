import type { ReactNode } from 'react';
import { ErrorMessage } from '../../components/error-message';
import { useConsoleQuery } from '../../console/requests';

/** Docker and kubeconfig as detected on this machine: found or not, never required. */
export function EnvironmentFacts(): ReactNode {
  const detect = useConsoleQuery('environment:detect', {}, { staleTime: 60_000 });
  if (detect.isPending) return <p className="muted">Looking for Docker and Kubernetes…</p>;
  if (detect.isError) return <ErrorMessage error={detect.error} title="Could not detect the environment" onRetry={() => void detect.refetch()} />;
  const { docker, kubernetes } = detect.data;
  return (
    <dl className="facts" aria-label="Detected environment">
      <div className="fact">
        <dt>Local process</dt>
        <dd>
          <span className="badge found">available</span> always: agents run as supervised child processes
        </dd>
      </div>
      <div className="fact" data-testid="docker-detection">
        <dt>Docker</dt>
        <dd>
          {docker.available ? <span className="badge found">found</span> : <span className="badge not-found">not found</span>} {docker.version ? `engine ${docker.version}` : (docker.problem ?? '')}
        </dd>
      </div>
      <div className="fact" data-testid="kubernetes-detection">
        <dt>Kubernetes</dt>
        <dd>
          {kubernetes.contexts.length > 0 ? <span className="badge found">found</span> : <span className="badge not-found">not found</span>}{' '}
          {kubernetes.contexts.length > 0
            ? kubernetes.contexts.map((context) => `${context.name}${context.current ? ' (current)' : ''}`).join(', ')
            : (kubernetes.problem ?? 'no kubeconfig contexts')}
        </dd>
      </div>
    </dl>
  );
}
