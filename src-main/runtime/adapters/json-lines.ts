/**
 * Splits a byte stream into lines for the Python adapter protocol. Lines are decoded only when
 * complete (a UTF-8 character may straddle two chunks) and bounded: a line longer than the limit
 * is dropped whole, never buffered, so a runaway agent output cannot exhaust the runtime's memory.
 */

/** The protocol's line limit: 16 MiB, matching AGENTDOCK_MAX_LINE_BYTES on the Python side. */
export const MAX_LINE_BYTES = 16 * 1024 * 1024;

export interface LineSplitterHandlers {
  line(text: string): void;
  /** A line exceeded the limit and was dropped; `bytes` is its length so far. */
  oversized(bytes: number): void;
}

/** Feeds chunks in, gets whole lines out. */
export class LineSplitter {
  private pieces: Buffer[] = [];
  private size = 0;
  private discarding = false;

  constructor(
    private readonly handlers: LineSplitterHandlers,
    private readonly maxLineBytes = MAX_LINE_BYTES,
  ) {}

  /** Accepts the next chunk of the stream. */
  push(chunk: Buffer): void {
    let start = 0;
    for (;;) {
      const newline = chunk.indexOf(0x0a, start);
      if (newline === -1) {
        this.append(chunk.subarray(start));
        return;
      }
      this.append(chunk.subarray(start, newline));
      this.finishLine();
      start = newline + 1;
    }
  }

  /** The stream ended: a last line without a newline still counts. */
  end(): void {
    if (this.size > 0 || this.discarding) this.finishLine();
  }

  private append(piece: Buffer): void {
    if (piece.length === 0) return;
    this.size += piece.length;
    if (this.discarding) return;
    if (this.size > this.maxLineBytes) {
      this.discarding = true;
      this.pieces = [];
      return;
    }
    this.pieces.push(piece);
  }

  private finishLine(): void {
    if (this.discarding) {
      this.handlers.oversized(this.size);
    } else {
      const text = Buffer.concat(this.pieces, this.size).toString('utf8').replace(/\r$/, '');
      if (text.trim() !== '') this.handlers.line(text);
    }
    this.pieces = [];
    this.size = 0;
    this.discarding = false;
  }
}
