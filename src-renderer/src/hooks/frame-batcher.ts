/**
 * Coalesces items that arrive in separate tasks (one WebSocket message each) into one batch per
 * animation frame, so a panel under 200 events/s renders at most once a frame instead of once an
 * event. The scheduler is injected: requestAnimationFrame in the page, a manual one in tests.
 */
export type FrameScheduler = (flush: () => void) => () => void;

export const animationFrameScheduler: FrameScheduler = (flush) => {
  const handle = requestAnimationFrame(flush);
  return () => cancelAnimationFrame(handle);
};

export class FrameBatcher<T> {
  private pending: T[] = [];
  private cancel: (() => void) | undefined;

  constructor(
    private readonly apply: (batch: T[]) => void,
    private readonly schedule: FrameScheduler = animationFrameScheduler,
  ) {}

  /** Queues an item; the batch is applied on the next frame, in arrival order. */
  push(item: T): void {
    this.pending.push(item);
    this.cancel ??= this.schedule(() => this.flush());
  }

  /** Applies what is queued now (also what the scheduled frame does). */
  flush(): void {
    this.cancel = undefined;
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    this.apply(batch);
  }

  /** Drops what is queued and the scheduled frame (the panel is going away). */
  dispose(): void {
    this.cancel?.();
    this.cancel = undefined;
    this.pending = [];
  }
}
