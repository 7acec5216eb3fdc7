/** The sidebar's destinations (only views that work), shared by the sidebar and the palette. */
import type { Route } from '../state/ui-store';

export interface NavItem {
  id: 'agents' | 'control' | 'deploy' | 'editor' | 'secrets' | 'targets' | 'settings' | 'audit';
  label: string;
  route: Route;
  /** Requests the view needs beyond viewing: it is hidden when the role may not (see sidebar.tsx). */
  needsDeveloper?: boolean;
}

export const NAV_ITEMS: readonly NavItem[] = [
  { id: 'agents', label: 'Agents', route: { view: 'agents' } },
  { id: 'control', label: 'Control panel', route: { view: 'control' } },
  { id: 'deploy', label: 'Deploy', route: { view: 'deploy' }, needsDeveloper: true },
  { id: 'editor', label: 'Editor', route: { view: 'editor' } },
  { id: 'secrets', label: 'Secrets', route: { view: 'secrets' } },
  { id: 'targets', label: 'Targets', route: { view: 'targets' } },
  { id: 'settings', label: 'Settings', route: { view: 'settings' } },
  { id: 'audit', label: 'Audit log', route: { view: 'audit' } },
];

/** Which nav item a route belongs to. */
export function navIdOf(route: Route): NavItem['id'] {
  return route.view === 'agent' ? 'agents' : route.view;
}
