/**
 * The offline demo as the console runs it (`demo:run`): started from the welcome screen or the
 * control panel, it outlives navigation — the run belongs to the window, not to a view — so the
 * presenter can move between the control panel and an agent's tabs while the leads go by.
 */
import { create } from 'zustand';
import type { DemoEvent, DemoIncident, DemoLeadOutcome, DemoPace, DemoSummary } from '../../../src-shared/ipc/demo-types';
import { callConsole, describeError } from '../console/requests';

export interface DemoRunState {
  status: 'idle' | 'running' | 'done' | 'failed' | 'cancelled';
  /** The latest setup step, until the first lead. */
  step: string | null;
  runId: string | null;
  agent: string | null;
  total: number;
  lastLead: DemoLeadOutcome | null;
  incidents: DemoIncident[];
  summary: DemoSummary | null;
  error: string | null;
  /** Where the run is waiting for the presenter, while it is. */
  paused: { afterLead: number; reason: 'incident' | 'presenter' } | null;
  /** A pause asked for, not reached yet (the lead in flight finishes first). */
  pauseRequested: boolean;
  start(pace: DemoPace, options?: { pauseAtIncidents?: boolean }): void;
  pause(): void;
  resume(): void;
  cancel(): void;
  dismiss(): void;
}

let controller: AbortController | undefined;

type Actions = 'start' | 'pause' | 'resume' | 'cancel' | 'dismiss';

const idle: Omit<DemoRunState, Actions> = { status: 'idle', step: null, runId: null, agent: null, total: 0, lastLead: null, incidents: [], summary: null, error: null, paused: null, pauseRequested: false };

export const useDemo = create<DemoRunState>((set, get) => ({
  ...idle,
  start(pace, options = {}) {
    if (get().status === 'running') return;
    controller = new AbortController();
    const signal = controller.signal;
    const pauseAtIncidents = options.pauseAtIncidents ?? false;
    set({ ...idle, incidents: [], status: 'running', step: 'Starting the demo…' });
    callConsole('demo:run', { pace, pauseAtIncidents }, { signal, onProgress: (event) => set((state) => applyDemoEvent(state, event)) })
      // The answer is the summary too: it does not depend on the last progress event arriving first.
      .then((summary) => set({ status: 'done', summary, paused: null, pauseRequested: false }))
      .catch((error: unknown) => set({ status: signal.aborted ? 'cancelled' : 'failed', error: describeError(error).message, paused: null, pauseRequested: false }));
  },
  pause() {
    if (get().status !== 'running' || get().paused) return;
    set({ pauseRequested: true });
    callConsole('demo:control', { action: 'pause' }).catch((error: unknown) => set({ pauseRequested: false, error: describeError(error).message }));
  },
  resume() {
    if (!get().paused && !get().pauseRequested) return;
    callConsole('demo:control', { action: 'resume' }).catch((error: unknown) => set({ error: describeError(error).message }));
  },
  cancel() {
    controller?.abort();
  },
  dismiss() {
    if (get().status !== 'running') set({ ...idle, incidents: [] });
  },
}));

/** The state after one progress event (pure, for the store and its test). */
export function applyDemoEvent(state: Pick<DemoRunState, 'incidents'>, event: DemoEvent): Partial<DemoRunState> {
  switch (event.kind) {
    case 'step':
      return { step: event.message };
    case 'started':
      return { runId: event.runId, agent: event.agent, total: event.leads, step: null };
    case 'lead':
      return { lastLead: event.lead };
    case 'incident':
      return { incidents: [...state.incidents, event.incident] };
    case 'summary':
      return { summary: event.summary };
    case 'paused':
      return { paused: { afterLead: event.afterLead, reason: event.reason }, pauseRequested: false };
    case 'resumed':
      return { paused: null, pauseRequested: false };
  }
}
