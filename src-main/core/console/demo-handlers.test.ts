// The offline demo through the console contract, as the welcome screen runs it: a developer's
// `demo:run` streams the setup steps, every lead and the scripted incidents as progress and answers
// with the summary; a viewer may not start it. Real control plane, process target, monitoring.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DemoEvent } from '../../../src-shared/ipc/demo-types';
import type { Disposable } from '../contracts';
import { startMonitoring } from '../monitoring';
import { connect, openConsoleTestPlane } from './test-support';
import type { ConsoleTestPlane } from './test-support';

let test: ConsoleTestPlane;
let monitoring: Disposable;

beforeAll(() => {
  test = openConsoleTestPlane({ name: 'demo-console', runsAgents: true });
  monitoring = startMonitoring(test.plane);
});

afterAll(async () => {
  monitoring?.dispose();
  await test?.dispose();
});

describe('demo:run', () => {
  it('is refused to a viewer', async () => {
    const viewer = connect(test.handlers, { user: 'val', role: 'viewer' });
    expect(await viewer.client.request('demo:run', { pace: 'fast' })).toMatchObject({ ok: false, error: { code: 'E3002' } });
    viewer.close();
  });

  it('runs the 100 leads with the incidents at their leads, streaming each as progress', async () => {
    const developer = connect(test.handlers, { user: 'dev', role: 'developer' });
    const events: DemoEvent[] = [];
    const result = await developer.client.request('demo:run', { pace: 'fast' }, { onProgress: (event) => events.push(event) });
    developer.close();
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value).toMatchObject({ agent: 'lead-gen-demo', processed: 100, failed: 0 });
    expect(events.find((event) => event.kind === 'started')).toMatchObject({ agent: 'lead-gen-demo', budgetUsd: 50, leads: 100, pace: 'fast' });
    expect(events.filter((event) => event.kind === 'lead').map((event) => (event.kind === 'lead' ? event.lead.index : 0))).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    const incidents = events.flatMap((event) => (event.kind === 'incident' ? [`${event.incident.kind}#${event.incident.lead}`] : []));
    expect(incidents).toEqual(['rate_limited#34', 'breaker_open#34', 'key_rotated#50', 'breaker_recovered#61', 'pii_redacted#67', 'budget_warning#85']);
    const budget = events.find((event) => event.kind === 'incident' && event.incident.kind === 'budget_warning');
    expect(budget?.kind === 'incident' && budget.incident.data).toMatchObject({ notification: true, webhook: true, email: true });
    expect(events.at(-1)).toMatchObject({ kind: 'summary', summary: { processed: 100 } });
    // The demo agent is an agent like any other: the fleet lists it.
    expect(test.plane.repositories.agents.findByName('lead-gen-demo')).toBeDefined();
  }, 120_000);
});
