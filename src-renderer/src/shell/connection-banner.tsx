import { useEffect, useState } from 'react';
import type { ReactNode } from 'react';
import { retryNow, useConnection } from '../console/connection-manager';

/** A banner while the connection is down: what happened and when the next attempt runs. */
export function ConnectionBanner(): ReactNode {
  const { status, retryAt, message } = useConnection();
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (status !== 'reconnecting') return;
    const timer = setInterval(() => setNow(Date.now()), 500);
    return () => clearInterval(timer);
  }, [status]);
  if (status === 'reconnecting') {
    const seconds = retryAt ? Math.max(0, Math.ceil((retryAt - now) / 1000)) : 0;
    return (
      <div className="banner warning" role="status">
        Connection to AgentDock lost. Reconnecting{seconds > 0 ? ` in ${seconds}s` : '…'}
        <button type="button" className="button small" onClick={retryNow}>
          Retry now
        </button>
      </div>
    );
  }
  if (status === 'closed') {
    return (
      <div className="banner error" role="alert">
        {message ?? 'The connection to AgentDock closed.'} Reload the window to reconnect.
      </div>
    );
  }
  return null;
}
