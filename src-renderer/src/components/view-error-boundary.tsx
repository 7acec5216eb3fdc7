import { Component } from 'react';
import type { ErrorInfo, ReactNode } from 'react';
import { ErrorMessage } from './error-message';

interface State {
  error: unknown;
}

/** Keeps a failing view from blanking the window: the error is shown in its place, with a way back. */
export class ViewErrorBoundary extends Component<{ children: ReactNode; resetKey: string }, State> {
  override state: State = { error: null };

  static getDerivedStateFromError(error: unknown): State {
    return { error };
  }

  override componentDidUpdate(previous: { resetKey: string }): void {
    // Navigating elsewhere gives the next view a clean start.
    if (previous.resetKey !== this.props.resetKey && this.state.error !== null) this.setState({ error: null });
  }

  override componentDidCatch(error: unknown, info: ErrorInfo): void {
    console.error('AgentDock view failed', error, info.componentStack);
  }

  override render(): ReactNode {
    if (this.state.error === null) return this.props.children;
    return <ErrorMessage error={this.state.error} title="This view failed" onRetry={() => this.setState({ error: null })} />;
  }
}
