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

  it('pauses after each incident and when the presenter asks, until resumed, and runs one demo at a time', async () => {
    const developer = connect(test.handlers, { user: 'dev', role: 'developer' });
    const presenter = connect(test.handlers, { user: 'presenter', role: 'developer' });
    expect(await presenter.client.request('demo:control', { action: 'resume' })).toMatchObject({ ok: false, error: { code: 'E2023' } });
    const events: DemoEvent[] = [];
    const runStarted = Date.now();
    let onPause: (() => void) | undefined;
    const run = developer.client.request('demo:run', { pace: 'fast', pauseAtIncidents: true }, {
      onProgress: (event) => {
        events.push(event);
        if (event.kind === 'paused') onPause?.();
      },
    });
    const nextPause = (): Promise<void> => new Promise((resolve) => (onPause = resolve));
    const pausedAt: string[] = [];
    for (let pause = 0; pause < 6; pause++) {
      await nextPause();
      const paused = events.at(-1);
      if (paused?.kind !== 'paused') throw new Error(`expected a pause, got ${JSON.stringify(paused)}`);
      pausedAt.push(`${paused.reason}#${paused.afterLead}`);
      if (pause === 0) {
        // Another window cannot start a second run meanwhile.
        expect(await presenter.client.request('demo:run', { pace: 'fast' })).toMatchObject({ ok: false, error: { code: 'E2005' } });
      }
      // While paused, no lead is sent.
      const seen = events.length;
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(events.length).toBe(seen);
      expect(await presenter.client.request('demo:control', { action: 'resume' })).toMatchObject({ ok: true });
      // After the first incident, the presenter's Pause: the run stops after the lead in flight.
      if (pause === 0) expect(await presenter.client.request('demo:control', { action: 'pause' })).toMatchObject({ ok: true });
    }
    const result = await run;
    developer.close();
    presenter.close();
    expect(pausedAt[0]).toBe('incident#34');
    expect(pausedAt[1]).toMatch(/^presenter#(3[5-9]|4[0-9])$/);
    expect(pausedAt.slice(2)).toEqual(['incident#50', 'incident#61', 'incident#67', 'incident#85']);
    expect(events.filter((event) => event.kind === 'resumed')).toHaveLength(6);
    expect(result).toMatchObject({ ok: true, value: { processed: 100, failed: 0 } });
    // The pauses are not counted as the run's time.
    const paused = events.reduce((sum, event) => sum + (event.kind === 'resumed' ? event.pausedMs : 0), 0);
    expect(paused).toBeGreaterThanOrEqual(6 * 300);
    if (result.ok) expect(result.value.durationMs).toBeLessThanOrEqual(Date.now() - runStarted - paused);
  }, 120_000);
});
