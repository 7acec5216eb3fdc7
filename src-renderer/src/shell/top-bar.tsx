import type { ReactNode } from 'react';
import { useConnection } from '../console/connection-manager';
import { useAppInfo } from '../console/use-role';
import { useUi } from '../state/ui-store';

const STATUS_LABEL = { connecting: 'connecting', open: 'connected', reconnecting: 'reconnecting', closed: 'disconnected', 'signed-out': 'signed out' } as const;

/** Product, connection state, who is signed in with which role, theme, palette. */
export function TopBar(): ReactNode {
  const info = useAppInfo().data;
  const status = useConnection((state) => state.status);
  const { theme, setTheme, setPaletteOpen } = useUi();
  const isMac = navigator.platform.toLowerCase().includes('mac');
  return (
    <header className="topbar">
      <span className="wordmark">AgentDock</span>
      {info ? <span className="muted">{info.mode === 'serve' ? 'serve' : 'desktop'} · v{info.version}</span> : null}
      <span className={`connection-dot ${status}`} role="status" aria-label={`Connection: ${STATUS_LABEL[status]}`} title={`Connection: ${STATUS_LABEL[status]}`}>
        {STATUS_LABEL[status]}
      </span>
      <span className="spacer" />
      <button type="button" className="button small ghost" onClick={() => setPaletteOpen(true)} aria-keyshortcuts={isMac ? 'Meta+K' : 'Control+K'}>
        Commands <kbd>{isMac ? '⌘K' : 'Ctrl+K'}</kbd>
      </button>
      <button type="button" className="button small ghost" onClick={() => setTheme(theme === 'dark' ? 'light' : 'dark')} aria-label={`Switch to ${theme === 'dark' ? 'light' : 'dark'} theme`}>
        {theme === 'dark' ? 'Light' : 'Dark'}
      </button>
      {info ? (
        <span className="user" aria-label={`Signed in as ${info.user}, role ${info.role}`}>
          {info.user} <span className={`badge role-${info.role}`}>{info.role}</span>
        </span>
      ) : null}
    </header>
  );
}
