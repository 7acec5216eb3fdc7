import { describe, expect, it } from 'vitest';
import { EventChannel } from './event-channel';

describe('EventChannel', () => {
  it('delivers events pushed before and after the consumer waits, then ends', async () => {
    const channel = new EventChannel<number>();
    channel.push(1);
    const seen: number[] = [];
    const done = (async () => {
      for await (const value of channel) seen.push(value);
    })();
    await Promise.resolve();
    channel.push(2);
    channel.close();
    channel.push(3);
    await done;
    expect(seen).toEqual([1, 2]);
    expect(channel.settled).toBe(true);
  });

  it('raises the failure after the queued events', async () => {
    const channel = new EventChannel<string>();
    channel.push('a');
    channel.fail(new Error('boom'));
    const seen: string[] = [];
    await expect(
      (async () => {
        for await (const value of channel) seen.push(value);
      })(),
    ).rejects.toThrow('boom');
    expect(seen).toEqual(['a']);
  });

  it('closes when the consumer stops early', async () => {
    const channel = new EventChannel<number>();
    channel.push(1);
    channel.push(2);
    for await (const value of channel) {
      expect(value).toBe(1);
      break;
    }
    expect(channel.settled).toBe(true);
  });
});
