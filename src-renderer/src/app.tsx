import type { ReactNode } from 'react';
import { useAppInfo } from './use-app-info';
import type { AppInfoState } from './use-app-info';

interface Fact {
  readonly label: string;
  readonly value: ReactNode;
}

function factsFor(state: AppInfoState): Fact[] {
  switch (state.status) {
    case 'ready':
      return [
        { label: 'Console', value: state.info.name },
        { label: 'Version', value: state.info.version },
        { label: 'Platform', value: state.info.platform },
        { label: 'Connection', value: 'connected' },
      ];
    case 'loading':
      return [{ label: 'Connection', value: 'connecting…' }];
    case 'unavailable':
      return [{ label: 'Connection', value: <span className="muted">none — running in a browser without a console connection</span> }];
    case 'error':
      return [{ label: 'Connection', value: <span className="error">failed: {state.message}</span> }];
  }
}

/** The welcome screen: what AgentDock is, and which console this window is talking to. */
export function App(): ReactNode {
  const facts = factsFor(useAppInfo());
  return (
    <div className="shell">
      <header className="topbar">
        <span className="wordmark">AgentDock</span>
        <span className="topbar-note">operations console</span>
      </header>
      <main className="welcome">
        <h1>AgentDock</h1>
        <p className="lede">
          Declare LLM agents in a Dockfile, deploy them as immutable versions to a local process, Docker or
          Kubernetes, and govern, observe and roll them back from one console. Works offline.
        </p>
        <dl className="facts">
          {facts.map((fact) => (
            <div className="fact" key={fact.label}>
              <dt>{fact.label}</dt>
              <dd>{fact.value}</dd>
            </div>
          ))}
        </dl>
      </main>
    </div>
  );
}
