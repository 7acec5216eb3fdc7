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
  pace: DemoPace;
  /** The latest setup step, until the first lead. */
  step: string | null;
  runId: string | null;
  agent: string | null;
  total: number;
  lastLead: DemoLeadOutcome | null;
  incidents: DemoIncident[];
  summary: DemoSummary | null;
  error: string | null;
  start(pace: DemoPace): void;
  cancel(): void;
  dismiss(): void;
}

let controller: AbortController | undefined;

const idle: Omit<DemoRunState, 'pace' | 'start' | 'cancel' | 'dismiss'> = { status: 'idle', step: null, runId: null, agent: null, total: 0, lastLead: null, incidents: [], summary: null, error: null };

export const useDemo = create<DemoRunState>((set, get) => ({
  ...idle,
  pace: 'presentation',
  start(pace) {
    if (get().status === 'running') return;
    controller = new AbortController();
    const signal = controller.signal;
    set({ ...idle, incidents: [], status: 'running', pace, step: 'Starting the demo…' });
    callConsole('demo:run', { pace }, { signal, onProgress: (event) => set((state) => applyDemoEvent(state, event)) })
      .then((summary) => set({ status: 'done', summary }))
      .catch((error: unknown) => set({ status: signal.aborted ? 'cancelled' : 'failed', error: describeError(error).message }));
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
  }
}
