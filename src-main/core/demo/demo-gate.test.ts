// The presenter's pause between leads: reported, held until resumed (or the run is stopped), and
// a resume that comes while `paused` is being reported is not lost.
import { describe, expect, it } from 'vitest';
import type { DemoEvent } from '../../../src-shared/ipc/demo-types';
import { DemoGate } from './demo-gate';

describe('DemoGate', () => {
  it('passes straight through when no pause was asked for', async () => {
    const events: DemoEvent[] = [];
    await new DemoGate().hold(3, (event) => events.push(event));
    expect(events).toEqual([]);
  });

  it('holds after the lead until resumed, then reports how long it waited', async () => {
    const gate = new DemoGate();
    const events: DemoEvent[] = [];
    gate.requestPause('incident');
    gate.requestPause('presenter');
    let passed = false;
    const held = gate.hold(34, (event) => events.push(event)).then(() => (passed = true));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(passed).toBe(false);
    expect(gate.paused).toBe(true);
    expect(events).toEqual([{ kind: 'paused', afterLead: 34, reason: 'incident' }]);
    expect(gate.resume()).toBe(true);
    await held;
    expect(gate.paused).toBe(false);
    expect(events[1]).toMatchObject({ kind: 'resumed', afterLead: 34 });
    // The pause was used up: the next lead goes by.
    await gate.hold(35, (event) => events.push(event));
    expect(events).toHaveLength(2);
  });

  it('takes a resume given while the pause is being reported', async () => {
    const gate = new DemoGate();
    gate.requestPause('presenter');
    const events: DemoEvent[] = [];
    await gate.hold(7, (event) => {
      events.push(event);
      if (event.kind === 'paused') gate.resume();
    });
    expect(events.map((event) => event.kind)).toEqual(['paused', 'resumed']);
  });

  it('drops a pause asked for but not reached when resumed first', async () => {
    const gate = new DemoGate();
    expect(gate.resume()).toBe(false);
    gate.requestPause('presenter');
    expect(gate.resume()).toBe(true);
    const events: DemoEvent[] = [];
    await gate.hold(8, (event) => events.push(event));
    expect(events).toEqual([]);
  });

  it('lets a stopped run end while paused', async () => {
    const gate = new DemoGate();
    const controller = new AbortController();
    gate.requestPause('incident');
    const held = gate.hold(50, () => undefined, controller.signal);
    controller.abort(new Error('stopped by the presenter'));
    await expect(held).rejects.toThrow('stopped by the presenter');
    expect(gate.paused).toBe(false);
  });
});
