import { describe, expect, it } from 'vitest';
import { connectionState } from './connection-state';

const test = (status: 'reachable' | 'unauthorized' | 'unreachable', message: string) => ({ context: 'lab', status, message, server: 'https://127.0.0.1:6443', durationMs: 42 });

describe('connectionState', () => {
  it('says "not connected" until a test ran, and "testing…" while one runs', () => {
    expect(connectionState(undefined, false, undefined)).toEqual({ label: 'not connected', tone: 'neutral', detail: null });
    expect(connectionState(test('reachable', 'ok'), true, undefined).label).toBe('testing…');
  });

  it('maps each outcome to its badge and keeps the message that says what to do', () => {
    expect(connectionState(test('reachable', 'the API server answered: Kubernetes v1.31.2'), false, undefined)).toEqual({ label: 'reachable', tone: 'found', detail: 'the API server answered: Kubernetes v1.31.2 (42 ms)' });
    expect(connectionState(test('unauthorized', 'refused (401)'), false, undefined)).toMatchObject({ label: 'unauthorized', tone: 'warning', detail: 'refused (401)' });
    expect(connectionState(test('unreachable', 'connection refused by 127.0.0.1:1'), false, undefined)).toMatchObject({ label: 'unreachable', tone: 'not-found', detail: 'connection refused by 127.0.0.1:1' });
  });

  it('shows a request that failed (not a network answer) as such', () => {
    expect(connectionState(undefined, false, 'E3008 NotFound: No kubeconfig context named lab')).toEqual({ label: 'test failed', tone: 'not-found', detail: 'E3008 NotFound: No kubeconfig context named lab' });
  });
});
