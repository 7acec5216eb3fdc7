/**
 * Follows a log file that a replica writes directly (its stdout/stderr are file descriptors, so
 * the replica keeps logging when no control plane is running) and hands each complete line to a
 * callback. Also keeps the file bounded: past `maxBytes` it is copied to `<file>.1` and truncated
 * in place ("copytruncate": the replica opened it with O_APPEND, so its next write lands at the new
 * end). Lines the replica writes between the last read and the truncation are lost; that window is
 * a few microseconds once per `maxBytes` of output.
 *
 * New data is noticed through fs.watch (inotify on Linux) and, as a safety net for file systems
 * where watching is unreliable, a slow poll.
 */
import { watch } from 'node:fs';
import type { FSWatcher } from 'node:fs';
import { copyFile, open, stat, truncate } from 'node:fs/promises';

/** Where a line started: `epoch` increases each time the file is truncated or rotated. */
export interface TailPosition {
  epoch: number;
  offset: number;
}

export interface FileTailOptions {
  /** Size that triggers rotation, bytes. */
  maxBytes: number;
  /** Start this many bytes before the current end (the first, partial line is dropped); 0 = at the end. */
  primeBytes: number;
  /** Safety-net poll interval, ms. */
  pollMs: number;
  onLine: (line: string, position: TailPosition) => void;
}

/** One line longer than this is cut (a runaway line must not grow memory without bound). */
const MAX_LINE_BYTES = 64 * 1024;
const READ_CHUNK = 256 * 1024;

/** Follows one file; see the module header. */
export class FileTail {
  private epoch = 0;
  private offset = 0;
  private partial = Buffer.alloc(0);
  private partialStart = 0;
  private skipFirstLine = false;
  private discarding = false;
  private watcher: FSWatcher | undefined;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private closed = false;

  constructor(
    readonly file: string,
    private readonly options: FileTailOptions,
  ) {}

  /** Positions the tail (primed from the end of the existing file) and starts watching. */
  async start(): Promise<void> {
    // fs.watch needs the file to exist: create it empty (the replica opens it with O_APPEND), or a
    // new replica's first lines — its "listening" line among them — would wait for the slow poll.
    await open(this.file, 'a')
      .then((handle) => handle.close())
      .catch(() => undefined);
    const size = (await stat(this.file).catch(() => undefined))?.size ?? 0;
    this.offset = Math.max(0, size - this.options.primeBytes);
    this.skipFirstLine = this.offset > 0;
    this.partialStart = this.offset;
    try {
      this.watcher = watch(this.file, { persistent: false }, () => void this.poll());
      this.watcher.on('error', () => this.watcher?.close());
    } catch {
      // No watching here (the file may not exist yet on some systems): the poll covers it.
    }
    this.timer = setInterval(() => void this.poll(), this.options.pollMs);
    this.timer.unref();
    await this.poll();
  }

  /** Where the file ends now, as a position a future line will be at or after. */
  async endPosition(): Promise<TailPosition> {
    await this.poll();
    const size = (await stat(this.file).catch(() => undefined))?.size ?? 0;
    return { epoch: this.epoch, offset: size };
  }

  /** Reads everything new now; concurrent calls coalesce into one more read. */
  poll(): Promise<void> {
    if (this.closed) return Promise.resolve();
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      do {
        this.again = false;
        await this.readNew().catch(() => undefined); // a vanished file is read again on the next event
      } while (this.again && !this.closed);
    })().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  /** Stops watching; the file is left as it is. */
  close(): void {
    this.closed = true;
    this.watcher?.close();
    if (this.timer) clearInterval(this.timer);
  }

  private async readNew(): Promise<void> {
    const info = await stat(this.file);
    if (info.size < this.offset) this.reset(); // truncated or replaced by someone else
    if (info.size > this.offset) {
      const handle = await open(this.file, 'r');
      try {
        const buffer = Buffer.alloc(READ_CHUNK);
        while (this.offset < info.size && !this.closed) {
          const { bytesRead } = await handle.read(buffer, 0, Math.min(READ_CHUNK, info.size - this.offset), this.offset);
          if (bytesRead === 0) break;
          this.consume(buffer.subarray(0, bytesRead));
          this.offset += bytesRead;
        }
      } finally {
        await handle.close();
      }
    }
    if (this.offset > this.options.maxBytes && !this.closed) {
      await copyFile(this.file, `${this.file}.1`);
      await truncate(this.file, 0);
      this.reset();
    }
  }

  private reset(): void {
    this.epoch += 1;
    this.offset = 0;
    this.partial = Buffer.alloc(0);
    this.partialStart = 0;
    this.skipFirstLine = false;
    this.discarding = false;
  }

  private consume(chunk: Buffer): void {
    let data = this.partial.length ? Buffer.concat([this.partial, chunk]) : chunk;
    let start = this.partialStart;
    for (let newline = data.indexOf(0x0a); newline !== -1; newline = data.indexOf(0x0a)) {
      const line = data.subarray(0, newline).toString('utf8').replace(/\r$/, '');
      // The first line of a primed read is partial; the rest of a cut line was already reported.
      if (this.skipFirstLine || this.discarding) this.skipFirstLine = this.discarding = false;
      else this.options.onLine(line, { epoch: this.epoch, offset: start });
      start += newline + 1;
      data = data.subarray(newline + 1);
    }
    if (data.length > MAX_LINE_BYTES) {
      this.options.onLine(`${data.subarray(0, MAX_LINE_BYTES).toString('utf8')} …[line cut]`, { epoch: this.epoch, offset: start });
      start += data.length;
      data = Buffer.alloc(0);
      this.discarding = true;
    }
    this.partial = Buffer.from(data);
    this.partialStart = start;
  }
}
