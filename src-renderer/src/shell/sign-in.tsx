import type { ReactNode } from 'react';

/** Shown in a browser tab without a session token: where to get one. */
export function SignIn({ message }: { message: string | null }): ReactNode {
  return (
    <main className="sign-in" aria-labelledby="sign-in-title">
      <div className="sign-in-card">
        <span className="wordmark">AgentDock</span>
        <h1 id="sign-in-title">Sign in to this console</h1>
        {message ? (
          <p className="error" role="alert">
            {message}
          </p>
        ) : null}
        <p>
          This page needs the session token that <code>agentdock serve</code> printed when it started. Open the full URL it printed (it ends in{' '}
          <code>#token=…</code>) in this browser.
        </p>
        <p className="muted">The token stays in this tab only and is removed from the address bar once read.</p>
      </div>
    </main>
  );
}
