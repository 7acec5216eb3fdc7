/** What the Targets view says about a kubeconfig context's connection: listed, being tested, or the last test's answer. Pure. */
import type { KubeConnectionTest } from '../../../../src-shared/ipc/admin-types';

export interface ConnectionState {
  label: string;
  /** Badge class: found (green), warning (amber), not-found (red), neutral. */
  tone: 'found' | 'warning' | 'not-found' | 'neutral';
  detail: string | null;
}

/** The badge and explanation for one context. */
export function connectionState(test: KubeConnectionTest | undefined, testing: boolean, failure: string | undefined): ConnectionState {
  if (testing) return { label: 'testing…', tone: 'neutral', detail: null };
  if (failure !== undefined) return { label: 'test failed', tone: 'not-found', detail: failure };
  if (!test) return { label: 'not connected', tone: 'neutral', detail: null };
  const took = `${test.durationMs} ms`;
  switch (test.status) {
    case 'reachable':
      return { label: 'reachable', tone: 'found', detail: `${test.message} (${took})` };
    case 'unauthorized':
      return { label: 'unauthorized', tone: 'warning', detail: test.message };
    case 'unreachable':
      return { label: 'unreachable', tone: 'not-found', detail: test.message };
  }
}
