import { AgentRunError } from '../contracts';
import type { AgentStreamEvent } from '../contracts';

/**
 * A single-consumer async queue: producers (an agent's token loop, tool callbacks, the Python
 * adapter's reader) push events in any order; the run's `stream()` consumer pulls them. Unbounded on
 * purpose — producers are the agent's own pace, and a consumer that stops early cancels the run.
 */
export class EventChannel<T> implements AsyncIterable<T> {
  private readonly buffer: T[] = [];
  private waiter: { resolve: (result: IteratorResult<T>) => void; reject: (error: unknown) => void } | undefined;
  private state: 'open' | 'closed' | 'failed' = 'open';
  private failure: unknown;

  /** True once closed or failed: later pushes are dropped. */
  get settled(): boolean {
    return this.state !== 'open';
  }

  /** Queues one event, or hands it straight to a waiting consumer. */
  push(value: T): void {
    if (this.state !== 'open') return;
    const waiter = this.waiter;
    if (waiter) {
      this.waiter = undefined;
      waiter.resolve({ value, done: false });
    } else {
      this.buffer.push(value);
    }
  }

  /** Ends the stream after the queued events. */
  close(): void {
    if (this.state !== 'open') return;
    this.state = 'closed';
    this.wake();
  }

  /** Ends the stream with an error, raised after the queued events are consumed. */
  fail(error: unknown): void {
    if (this.state !== 'open') return;
    this.state = 'failed';
    this.failure = error;
    this.wake();
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    return {
      next: () => {
        if (this.buffer.length > 0) return Promise.resolve({ value: this.buffer.shift() as T, done: false });
        if (this.state === 'closed') return Promise.resolve({ value: undefined, done: true });
        if (this.state === 'failed') return Promise.reject(this.failure);
        return new Promise((resolve, reject) => {
          this.waiter = { resolve, reject };
        });
      },
      return: () => {
        this.buffer.length = 0;
        this.close();
        return Promise.resolve({ value: undefined, done: true });
      },
    };
  }

  private wake(): void {
    const waiter = this.waiter;
    if (!waiter || this.buffer.length > 0) return;
    this.waiter = undefined;
    if (this.state === 'failed') waiter.reject(this.failure);
    else waiter.resolve({ value: undefined, done: true });
  }
}

/** The output of a run's event stream (`invoke` is a stream read to its `end`). */
export async function finalOutput(events: AsyncIterable<AgentStreamEvent>): Promise<unknown> {
  for await (const event of events) {
    if (event.type === 'end') return event.output;
  }
  throw new AgentRunError('the agent ended without an output', 'AgentError');
}
