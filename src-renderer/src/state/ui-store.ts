/**
 * UI state (zustand): where the user is, the theme, the fleet filters and selection, the palette.
 * Server state lives in TanStack Query, never here.
 */
import { create } from 'zustand';
import type { AgentHealth, ProjectFile } from '../../../src-shared/ipc/console-types';

export type AgentTab = 'overview' | 'control' | 'metrics' | 'versions' | 'logs' | 'policies' | 'schema' | 'playground' | 'keys' | 'events';

export type Route =
  | { view: 'agents' }
  | { view: 'control' }
  | { view: 'agent'; agent: string; tab: AgentTab }
  | { view: 'deploy' }
  | { view: 'editor' }
  | { view: 'secrets' }
  | { view: 'targets' }
  | { view: 'settings' }
  | { view: 'audit' };

export type Theme = 'dark' | 'light';

export interface UiState {
  route: Route;
  theme: Theme;
  nameFilter: string;
  healthFilter: AgentHealth | 'all';
  /** Fleet multi-selection, by agent name. */
  selected: ReadonlySet<string>;
  paletteOpen: boolean;
  /** The project open in the editor (and proposed to Deploy). */
  project: ProjectFile | null;
  /** Unsaved editor text by document (the file path, or 'untitled'), so leaving the view keeps the edits. */
  drafts: Readonly<Record<string, string>>;
  navigate(route: Route): void;
  setTheme(theme: Theme): void;
  setNameFilter(value: string): void;
  setHealthFilter(value: AgentHealth | 'all'): void;
  setSelected(selected: ReadonlySet<string>): void;
  setPaletteOpen(open: boolean): void;
  setProject(project: ProjectFile | null): void;
  setDraft(document: string, text: string | null): void;
}

const THEME_KEY = 'agentdock.theme';

function initialTheme(): Theme {
  try {
    const stored = localStorage.getItem(THEME_KEY);
    if (stored === 'light' || stored === 'dark') return stored;
  } catch {
    // Storage disabled: dark first.
  }
  return 'dark';
}

/** The one UI store. */
export const useUi = create<UiState>((set) => ({
  route: { view: 'agents' },
  theme: initialTheme(),
  nameFilter: '',
  healthFilter: 'all',
  selected: new Set(),
  paletteOpen: false,
  project: null,
  drafts: {},
  navigate: (route) => set({ route, paletteOpen: false }),
  setTheme: (theme) => {
    try {
      localStorage.setItem(THEME_KEY, theme);
    } catch {
      // Not persisted; still applied.
    }
    set({ theme });
  },
  setNameFilter: (nameFilter) => set({ nameFilter }),
  setHealthFilter: (healthFilter) => set({ healthFilter }),
  setSelected: (selected) => set({ selected }),
  setPaletteOpen: (paletteOpen) => set({ paletteOpen }),
  setProject: (project) => set({ project }),
  setDraft: (document, text) =>
    set((state) => {
      const drafts = { ...state.drafts };
      if (text === null) delete drafts[document];
      else drafts[document] = text;
      return { drafts };
    }),
}));
