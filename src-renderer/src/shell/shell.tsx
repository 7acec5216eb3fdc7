import { Suspense, lazy, useEffect, useState } from 'react';
import type { ReactNode } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { useConnection } from '../console/connection-manager';
import { patchFleetCache } from '../console/fleet-cache';
import { FrameBatcher } from '../hooks/frame-batcher';
import type { FleetChange } from '../../../src-shared/ipc/console-types';
import { useNotificationFeed } from '../console/notification-feed';
import { useConsoleStream } from '../console/requests';
import { ViewErrorBoundary } from '../components/view-error-boundary';
import { useCan } from '../console/use-role';
import { useUi } from '../state/ui-store';
import { AgentsView } from '../views/agents/agents-view';
import { CommandPalette } from './command-palette';
import { ConnectionBanner } from './connection-banner';
import { Sidebar } from './sidebar';
import { Toasts } from './toasts';
import { TopBar } from './top-bar';

// The editor view carries the Dockfile validator and, further down, Monaco: loaded when opened.
const EditorView = lazy(() => import('../views/editor/editor-view'));
// The other views beyond the fleet (the first screen) load when first opened too: the start-up
// chunk stays the shell and the fleet table.
const AgentDetailView = lazy(() => import('../views/agent-detail/agent-detail-view').then((module) => ({ default: module.AgentDetailView })));
const DeployView = lazy(() => import('../views/deploy/deploy-view').then((module) => ({ default: module.DeployView })));
const SecretsView = lazy(() => import('../views/secrets/secrets-view').then((module) => ({ default: module.SecretsView })));
const ControlView = lazy(() => import('../views/control/control-view').then((module) => ({ default: module.ControlView })));
const AuditView = lazy(() => import('../views/audit/audit-view').then((module) => ({ default: module.AuditView })));
const SettingsView = lazy(() => import('../views/settings/settings-view').then((module) => ({ default: module.SettingsView })));
const TargetsView = lazy(() => import('../views/targets/targets-view').then((module) => ({ default: module.TargetsView })));

/** The signed-in console: top bar, sidebar, the current view, palette and toasts. */
export function Shell(): ReactNode {
  const queryClient = useQueryClient();
  const generation = useConnection((state) => state.generation);
  const { route, setPaletteOpen, paletteOpen } = useUi();
  const canDeploy = useCan('deploy:create');

  // A new client (reconnected): everything cached may be stale.
  useEffect(() => {
    if (generation > 1) void queryClient.invalidateQueries();
  }, [generation, queryClient]);

  // One fleet subscription for the whole window: table, detail and palette read the patched cache.
  // One cache patch a frame, however many rows a refresh sends.
  const [fleetBatcher] = useState(() => new FrameBatcher<FleetChange>((changes) => patchFleetCache(queryClient, changes)));
  useEffect(() => () => fleetBatcher.dispose(), [fleetBatcher]);
  useConsoleStream('fleet:changes', {}, (change) => fleetBatcher.push(change));
  // Likewise one notifications subscription: lists patched, pop-ups for what needs attention.
  useNotificationFeed();

  useEffect(() => {
    const onKey = (event: KeyboardEvent): void => {
      if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 'k') {
        event.preventDefault();
        setPaletteOpen(!paletteOpen);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [paletteOpen, setPaletteOpen]);

  let view: ReactNode;
  switch (route.view) {
    case 'agents':
      view = <AgentsView />;
      break;
    case 'agent':
      view = <AgentDetailView key={route.agent} agent={route.agent} tab={route.tab} />;
      break;
    case 'deploy':
      view = canDeploy ? <DeployView /> : <AgentsView />;
      break;
    case 'editor':
      view = (
        <Suspense fallback={<div className="view-loading">Loading the editor…</div>}>
          <EditorView />
        </Suspense>
      );
      break;
    case 'secrets':
      view = <SecretsView />;
      break;
    case 'control':
      view = <ControlView />;
      break;
    case 'targets':
      view = <TargetsView />;
      break;
    case 'settings':
      view = <SettingsView />;
      break;
    case 'audit':
      view = <AuditView />;
      break;
  }

  return (
    <div className="shell">
      <TopBar />
      <ConnectionBanner />
      <div className="shell-body">
        <Sidebar />
        <main className="view" id="main">
          <ViewErrorBoundary resetKey={JSON.stringify(route)}>
            <Suspense fallback={<div className="view-loading">Loading…</div>}>{view}</Suspense>
          </ViewErrorBoundary>
        </main>
      </div>
      <CommandPalette />
      <Toasts />
    </div>
  );
}
