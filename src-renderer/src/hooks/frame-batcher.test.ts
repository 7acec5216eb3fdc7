import { describe, expect, it } from 'vitest';
import { FrameBatcher } from './frame-batcher';

/** A scheduler the test advances by hand: each `frame()` runs what was scheduled. */
function manualFrames(): { schedule: (flush: () => void) => () => void; frame(): void; scheduled(): number } {
  let queued: (() => void)[] = [];
  return {
    schedule: (flush) => {
      queued.push(flush);
      return () => (queued = queued.filter((entry) => entry !== flush));
    },
    frame: () => {
      const now = queued;
      queued = [];
      for (const flush of now) flush();
    },
    scheduled: () => queued.length,
  };
}

describe('FrameBatcher', () => {
  it('applies everything pushed before a frame as one batch, in order, scheduling one frame', () => {
    const frames = manualFrames();
    const batches: number[][] = [];
    const batcher = new FrameBatcher<number>((batch) => batches.push(batch), frames.schedule);
    for (let index = 0; index < 200; index++) batcher.push(index);
    expect(frames.scheduled()).toBe(1);
    expect(batches).toEqual([]);
    frames.frame();
    expect(batches).toEqual([Array.from({ length: 200 }, (_, index) => index)]);
    batcher.push(7);
    frames.frame();
    expect(batches).toEqual([expect.any(Array), [7]]);
  });

  it('drops the queue and the frame on dispose', () => {
    const frames = manualFrames();
    const batches: number[][] = [];
    const batcher = new FrameBatcher<number>((batch) => batches.push(batch), frames.schedule);
    batcher.push(1);
    batcher.dispose();
    expect(frames.scheduled()).toBe(0);
    frames.frame();
    expect(batches).toEqual([]);
  });
});
