import { describe, expect, it } from 'vitest';
import type { TelemetryEvent } from '../contracts';
import { EventBus } from './event-bus';

const bus = (capacity = 5): EventBus => new EventBus({ agent: 'lead-gen', version: '1.2.0', capacity, clock: () => Date.UTC(2025, 10, 2, 10, 12, 55) });

describe('EventBus', () => {
  it('stamps monotonic ids, time, agent, version and trace id', () => {
    const events = bus();
    events.emit('run_start', { endpoint: '/invoke' }, 'trace-1');
    events.emit('run_end', { status: 200 });
    const [first, second] = events.since(0) as TelemetryEvent[];
    expect(first).toEqual({ id: 1, type: 'run_start', time: '2025-11-02T10:12:55.000Z', agent: 'lead-gen', version: '1.2.0', traceId: 'trace-1', data: { endpoint: '/invoke' } });
    expect(second?.id).toBe(2);
    expect(second && 'traceId' in second).toBe(false);
    expect(events.lastId).toBe(2);
  });

  it('replays what came after an id, and nothing when the client is current', () => {
    const events = bus();
    for (let i = 0; i < 4; i++) events.emit('token', { i });
    expect((events.since(2) as TelemetryEvent[]).map((event) => event.id)).toEqual([3, 4]);
    expect(events.since(4)).toEqual([]);
  });

  it('keeps only the newest `capacity` events and reports a gap for ids that fell out', () => {
    const events = bus(3);
    for (let i = 0; i < 7; i++) events.emit('token', { i });
    expect(events.oldestId).toBe(5);
    expect(events.retained().map((event) => event.id)).toEqual([5, 6, 7]);
    expect((events.since(4) as TelemetryEvent[]).map((event) => event.id)).toEqual([5, 6, 7]);
    expect(events.since(3)).toBe('gap');
    expect(events.since(0)).toBe('gap');
  });

  it('reports a gap for an id from the future (an earlier process of this replica)', () => {
    const events = bus();
    events.emit('token', {});
    expect(events.since(50)).toBe('gap');
    expect(events.since(-1)).toBe('gap');
  });

  it('isolates listeners: one that throws neither breaks emit nor starves the others', () => {
    const events = bus();
    const seen: number[] = [];
    events.subscribe(() => {
      throw new Error('dead socket');
    });
    events.subscribe((event) => seen.push(event.id));
    expect(() => events.emit('log', { msg: 'x' })).not.toThrow();
    events.emit('log', { msg: 'y' });
    expect(seen).toEqual([1, 2]);
    expect(events.listenerFailures).toBe(2);
  });

  it('unsubscribes, including from inside a listener, without skipping the others', () => {
    const events = bus();
    const seen: string[] = [];
    const stopA = events.subscribe(() => {
      seen.push('a');
      stopA();
    });
    events.subscribe(() => seen.push('b'));
    events.emit('token', {});
    events.emit('token', {});
    expect(seen).toEqual(['a', 'b', 'b']);
    expect(events.subscriberCount).toBe(1);
  });

  it('hands out frozen events so one subscriber cannot rewrite what others see', () => {
    const events = bus();
    const received: TelemetryEvent[] = [];
    events.subscribe((event) => received.push(event));
    events.emit('policy', { rule: 'ssn' });
    expect(Object.isFrozen(received[0])).toBe(true);
    expect(() => {
      (received[0] as { type: string }).type = 'forged';
    }).toThrow(TypeError);
    expect((events.since(0) as TelemetryEvent[])[0]?.type).toBe('policy');
  });
});
