/**
 * A deployment's recent log lines in memory (bounded), and the subscribers following it. Lines
 * come from the replicas' log files (file-tail.ts); `logs(tail, follow)` replays from here.
 */
import type { Disposable, LogLine } from '../../contracts';

/** Bounded FIFO of log lines with live followers. */
export class LogRing {
  private readonly lines: LogLine[] = [];
  private start = 0;
  private readonly followers = new Set<(line: LogLine) => void>();

  constructor(private readonly capacity: number) {}

  push(line: LogLine): void {
    if (this.lines.length < this.capacity) this.lines.push(line);
    else {
      this.lines[this.start] = line;
      this.start = (this.start + 1) % this.capacity;
    }
    for (const follower of this.followers) {
      try {
        follower(line);
      } catch {
        // One subscriber throwing must not stop the others or the tail feeding the ring.
      }
    }
  }

  /** The last `count` lines, oldest first. */
  tail(count: number = this.capacity): LogLine[] {
    const ordered = [...this.lines.slice(this.start), ...this.lines.slice(0, this.start)];
    return count >= ordered.length ? ordered : ordered.slice(ordered.length - Math.max(0, count));
  }

  /** Calls `onLine` for every line pushed from now on, until disposed. */
  follow(onLine: (line: LogLine) => void): Disposable {
    this.followers.add(onLine);
    return { dispose: () => this.followers.delete(onLine) };
  }

  /** Drops every follower (the deployment went away). */
  close(): void {
    this.followers.clear();
  }
}

/** The runtime logs JSON lines with a `time`; other lines get the time they were read. */
export function lineTime(line: string, now: () => Date): string {
  if (line.startsWith('{')) {
    try {
      const time = (JSON.parse(line) as { time?: unknown }).time;
      if (typeof time === 'string' && !Number.isNaN(Date.parse(time))) return time;
    } catch {
      // Not JSON after all: fall through.
    }
  }
  return now().toISOString();
}
