/**
 * The presenter's pause: a demo run stops between two leads — after a lead at which a scripted
 * incident happened (when the run pauses at incidents), or when the presenter asks — and goes on
 * when resumed, so the control panel can be explained while nothing moves. The lead in flight
 * always finishes first: a pause never splits a lead.
 */
import type { DemoEvent } from '../../../src-shared/ipc/demo-types';

type PauseReason = 'incident' | 'presenter';

export class DemoGate {
  private requested: PauseReason | undefined;
  private release: (() => void) | undefined;

  /** Pause before the next lead (a second call before then changes nothing). */
  requestPause(reason: PauseReason): void {
    this.requested ??= reason;
  }

  /** Lets a paused run go on (or drops a pause not yet reached); false when there was none. */
  resume(): boolean {
    if (this.release) {
      this.release();
      return true;
    }
    const had = this.requested !== undefined;
    this.requested = undefined;
    return had;
  }

  get paused(): boolean {
    return this.release !== undefined;
  }

  /**
   * Between leads: when a pause was asked for, reports it (`paused` after `afterLead`), waits
   * until resumed or aborted, then reports `resumed`. Returns at once otherwise.
   */
  async hold(afterLead: number, emit: (event: DemoEvent) => void, signal?: AbortSignal): Promise<void> {
    const reason = this.requested;
    if (!reason) return;
    this.requested = undefined;
    signal?.throwIfAborted();
    const started = Date.now();
    // Resumable from the moment `paused` is reported (a listener may resume at once).
    const released = new Promise<void>((resolve, reject) => {
      const onAbort = (): void => reject(signal?.reason instanceof Error ? signal.reason : new Error('the demo was stopped'));
      signal?.addEventListener('abort', onAbort, { once: true });
      this.release = () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
    });
    try {
      emit({ kind: 'paused', afterLead, reason });
      await released;
    } finally {
      this.release = undefined;
    }
    emit({ kind: 'resumed', afterLead, pausedMs: Date.now() - started });
  }
}
