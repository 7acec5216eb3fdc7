/**
 * An incremental `text/event-stream` parser (WHATWG HTML §9.2.6, the parts a runtime uses): chunks
 * arrive split anywhere, lines end in CRLF, LF or CR, `data:` lines join with LF, a blank line
 * dispatches, comments (`:`) and `retry:` are reported separately. Bounded: a line longer than
 * `maxLineChars` (a broken or hostile server) is an error rather than unbounded buffering.
 */

/** One dispatched event. `id` is the raw `id:` field of this frame (not inherited from earlier frames). */
export interface SseFrame {
  id?: string;
  event: string;
  data: string;
}

export interface SseParserHandlers {
  onFrame(frame: SseFrame): void;
  onRetry?(ms: number): void;
  onComment?(text: string): void;
}

/** Parses SSE text fed in arbitrary chunks. */
export class SseParser {
  private buffer = '';
  private skipLeadingLf = false;
  private id: string | undefined;
  private event = '';
  private data: string[] = [];

  constructor(
    private readonly handlers: SseParserHandlers,
    private readonly maxLineChars = 8 * 1024 * 1024,
  ) {}

  /** Feeds decoded text; dispatches every complete frame in it. */
  feed(chunk: string): void {
    let text = this.buffer + chunk;
    this.buffer = '';
    if (this.skipLeadingLf && text.startsWith('\n')) text = text.slice(1);
    this.skipLeadingLf = false;
    let start = 0;
    for (;;) {
      const cr = text.indexOf('\r', start);
      const lf = text.indexOf('\n', start);
      const end = cr === -1 ? lf : lf === -1 ? cr : Math.min(cr, lf);
      if (end === -1) break;
      this.line(text.slice(start, end));
      start = end + 1;
      if (text[end] === '\r') {
        if (end + 1 === text.length) this.skipLeadingLf = true; // a CRLF split across two chunks
        else if (text[end + 1] === '\n') start = end + 2;
      }
    }
    this.buffer = text.slice(start);
    if (this.buffer.length > this.maxLineChars) {
      this.buffer = '';
      throw new Error(`an event-stream line is longer than ${this.maxLineChars} characters`);
    }
  }

  private line(line: string): void {
    if (line === '') return this.dispatch();
    if (line.startsWith(':')) return this.handlers.onComment?.(line.slice(1).trimStart());
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    switch (field) {
      case 'data':
        this.data.push(value);
        break;
      case 'event':
        this.event = value;
        break;
      case 'id':
        if (!value.includes('\u0000')) this.id = value;
        break;
      case 'retry':
        if (/^\d+$/.test(value)) this.handlers.onRetry?.(Number(value));
        break;
      default:
      // Unknown fields are ignored, as the standard says.
    }
  }

  private dispatch(): void {
    const { id, event, data } = this;
    this.id = undefined;
    this.event = '';
    this.data = [];
    if (data.length === 0) return;
    this.handlers.onFrame({ ...(id !== undefined ? { id } : {}), event: event || 'message', data: data.join('\n') });
  }
}
