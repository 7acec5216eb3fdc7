import { useEffect } from 'react';
import type { ReactNode } from 'react';
import { startConnection, useConnection } from './console/connection-manager';
import { Shell } from './shell/shell';
import { SignIn } from './shell/sign-in';
import { useUi } from './state/ui-store';

/** The root: connect, then the console (or the sign-in screen when a browser tab has no token). */
export function App(): ReactNode {
  const { status, client, message } = useConnection();
  const theme = useUi((state) => state.theme);

  useEffect(() => startConnection(), []);
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);

  if (status === 'signed-out') return <SignIn message={message} />;
  if (!client) {
    return (
      <div className="boot" role="status">
        <span className="wordmark">AgentDock</span>
        <span className="muted">{status === 'reconnecting' ? 'Cannot reach AgentDock yet; retrying…' : 'Connecting…'}</span>
      </div>
    );
  }
  return <Shell />;
}
