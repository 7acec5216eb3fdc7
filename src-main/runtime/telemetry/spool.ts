/**
 * A durable, size-capped spool of telemetry batches for when the exporter's backend is down
 * (seed 004 §5.5.8: retry, then store offline, sync later). One JSON line per batch, fsynced on
 * append; a separate acknowledgement file holds the byte offset up to which batches were
 * delivered, so a crash during replay re-sends at most the batch in flight, never the ones the
 * backend already took. Over the cap, the oldest batches are dropped and counted.
 *
 * Not safe for two processes on one directory: give each replica its own spool dir.
 */
import { mkdir, open, readFile, rename, rm, truncate } from 'node:fs/promises';
import path from 'node:path';

export interface SpoolBatch<T> {
  /** Unique per batch (for logs and for dedupe by a receiver). */
  id: string;
  items: T[];
}

export interface SpoolEntry<T> {
  batch: SpoolBatch<T>;
  /** Offset just past this entry's line: what `acknowledge` takes. */
  endOffset: number;
}

export interface SpoolOptions {
  dir: string;
  /** File name stem inside `dir`. */
  name?: string;
  /** Largest spool file, bytes; the oldest batches go first. */
  maxBytes?: number;
}

/** Durable JSON-lines batch queue with acknowledgement and oldest-first dropping. */
export class DurableSpool<T> {
  readonly file: string;
  private readonly ackFile: string;
  private readonly maxBytes: number;
  private ackOffset = 0;
  private size = 0;
  private pendingItems = 0;
  private droppedItems = 0;
  private opened = false;

  constructor({ dir, name = 'spool', maxBytes = 50 * 1024 * 1024 }: SpoolOptions) {
    this.file = path.join(dir, `${name}.jsonl`);
    this.ackFile = path.join(dir, `${name}.ack`);
    this.maxBytes = maxBytes;
  }

  /** Items appended and not yet acknowledged. */
  get pending(): number {
    return this.pendingItems;
  }

  /** Items dropped since open: over the size cap, or unreadable lines. */
  get dropped(): number {
    return this.droppedItems;
  }

  /** Creates the directory, repairs a torn last line from a crash, and counts what is pending. */
  async open(): Promise<void> {
    if (this.opened) return;
    await mkdir(path.dirname(this.file), { recursive: true, mode: 0o700 });
    this.ackOffset = await readAck(this.ackFile);
    let text = '';
    try {
      text = await readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    const complete = text.lastIndexOf('\n') + 1;
    if (complete < text.length) {
      // A crash mid-append leaves a partial line; later appends would glue onto it.
      await truncate(this.file, Buffer.byteLength(text.slice(0, complete)));
      text = text.slice(0, complete);
    }
    this.size = Buffer.byteLength(text);
    if (this.ackOffset > this.size) this.ackOffset = 0;
    this.pendingItems = parseEntries<T>(text, 0, this.ackOffset).entries.reduce((sum, entry) => sum + entry.batch.items.length, 0);
    this.opened = true;
  }

  /** Appends batches durably (fsync); drops the oldest pending ones when over the cap. Returns items dropped. */
  async append(batches: ReadonlyArray<SpoolBatch<T>>): Promise<number> {
    await this.open();
    const lines = batches.map((batch) => `${JSON.stringify(batch)}\n`);
    const bytes = lines.reduce((sum, line) => sum + Buffer.byteLength(line), 0);
    const items = batches.reduce((sum, batch) => sum + batch.items.length, 0);
    if (this.size - this.ackOffset + bytes > this.maxBytes) return this.compact(batches);
    const handle = await open(this.file, 'a', 0o600);
    try {
      await handle.writeFile(lines.join(''));
      await handle.datasync();
    } finally {
      await handle.close();
    }
    this.size += bytes;
    this.pendingItems += items;
    return 0;
  }

  /** Pending batches, oldest first. */
  async read(): Promise<Array<SpoolEntry<T>>> {
    await this.open();
    if (this.size === this.ackOffset) return [];
    const text = await readFile(this.file, 'utf8');
    const { entries, unreadable } = parseEntries<T>(text, this.ackOffset, this.ackOffset);
    this.droppedItems += unreadable;
    return entries;
  }

  /** Marks everything up to `endOffset` as delivered; removes the files once all is. */
  async acknowledge(entry: SpoolEntry<T>): Promise<void> {
    this.ackOffset = Math.max(this.ackOffset, entry.endOffset);
    this.pendingItems = Math.max(0, this.pendingItems - entry.batch.items.length);
    if (this.ackOffset >= this.size) {
      await rm(this.file, { force: true });
      await rm(this.ackFile, { force: true });
      this.ackOffset = 0;
      this.size = 0;
      this.pendingItems = 0;
      return;
    }
    await writeDurably(this.ackFile, String(this.ackOffset));
  }

  /** Rewrites the spool with the newest batches that fit under the cap. */
  private async compact(incoming: ReadonlyArray<SpoolBatch<T>>): Promise<number> {
    const kept = [...(await this.read()).map((entry) => entry.batch), ...incoming];
    let lines = kept.map((batch) => `${JSON.stringify(batch)}\n`);
    let total = lines.reduce((sum, line) => sum + Buffer.byteLength(line), 0);
    let dropped = 0;
    while (lines.length > 0 && total > this.maxBytes) {
      total -= Buffer.byteLength(lines[0] as string);
      dropped += (kept[0] as SpoolBatch<T>).items.length;
      lines = lines.slice(1);
      kept.shift();
    }
    await writeDurably(this.file, lines.join(''));
    await rm(this.ackFile, { force: true });
    this.ackOffset = 0;
    this.size = total;
    this.pendingItems = kept.reduce((sum, batch) => sum + batch.items.length, 0);
    this.droppedItems += dropped;
    return dropped;
  }
}

function parseEntries<T>(text: string, fromOffset: number, ackOffset: number): { entries: Array<SpoolEntry<T>>; unreadable: number } {
  const buffer = Buffer.from(text);
  const entries: Array<SpoolEntry<T>> = [];
  let unreadable = 0;
  let start = fromOffset;
  while (start < buffer.length) {
    const end = buffer.indexOf(0x0a, start);
    if (end < 0) break;
    if (start >= ackOffset) {
      try {
        const batch = JSON.parse(buffer.subarray(start, end).toString('utf8')) as SpoolBatch<T>;
        if (Array.isArray(batch.items)) entries.push({ batch, endOffset: end + 1 });
        else unreadable++;
      } catch {
        unreadable++;
      }
    }
    start = end + 1;
  }
  return { entries, unreadable };
}

async function readAck(file: string): Promise<number> {
  try {
    const value = Number((await readFile(file, 'utf8')).trim());
    return Number.isSafeInteger(value) && value >= 0 ? value : 0;
  } catch {
    return 0;
  }
}

/** Write to a temp file, fsync, rename: readers see the old or the new content, never half. */
async function writeDurably(file: string, content: string): Promise<void> {
  const temp = `${file}.${process.pid}.tmp`;
  const handle = await open(temp, 'w', 0o600);
  try {
    await handle.writeFile(content);
    await handle.datasync();
  } finally {
    await handle.close();
  }
  await rename(temp, file);
}
