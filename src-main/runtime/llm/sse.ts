/**
 * Incremental server-sent-events parsing for provider streams. Network chunks split events (and
 * UTF-8 characters) anywhere, so bytes are decoded in streaming mode and only complete events,
 * those ended by a blank line, are returned. Line endings are normalised to `\n` (the spec allows
 * `\r\n` and `\r`); `raw` keeps the rest of the event as received so untouched events can be
 * forwarded byte-for-byte without re-serialising.
 */

export interface SseEvent {
  /** The `event:` field, when there is one (Anthropic names every event; OpenAI names none). */
  event?: string;
  /** The `data:` lines joined with `\n`; empty for a comment-only block such as a keep-alive. */
  data: string;
  /** The whole event including its terminating blank line. */
  raw: string;
}

/** Splits a byte stream into SSE events. */
export class SseParser {
  private readonly decoder = new TextDecoder();
  private buffer = '';

  /** Adds bytes; returns the events they completed. */
  push(bytes: Uint8Array): SseEvent[] {
    this.append(this.decoder.decode(bytes, { stream: true }));
    return this.drain();
  }

  /** Ends the stream; returns a last event that was not terminated by a blank line, if any. */
  flush(): SseEvent[] {
    this.append(this.decoder.decode());
    if (this.buffer.endsWith('\r')) this.buffer = `${this.buffer.slice(0, -1)}\n`;
    const events = this.drain();
    const rest = this.buffer.replace(/\n+$/, '');
    this.buffer = '';
    if (rest.trim() !== '') events.push(parseBlock(rest));
    return events;
  }

  private append(text: string): void {
    // A `\r` at the end may be the first half of `\r\n`: keep it until the next chunk says.
    const joined = this.buffer + text;
    const held = joined.endsWith('\r') ? '\r' : '';
    this.buffer = (held ? joined.slice(0, -1) : joined).replace(/\r\n?/g, '\n') + held;
  }

  private drain(): SseEvent[] {
    const events: SseEvent[] = [];
    let end = this.buffer.indexOf('\n\n');
    while (end !== -1) {
      const block = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      if (block !== '') events.push(parseBlock(block));
      end = this.buffer.indexOf('\n\n');
    }
    return events;
  }
}

function parseBlock(block: string): SseEvent {
  let event: string | undefined;
  const data: string[] = [];
  for (const line of block.split('\n')) {
    if (line === '' || line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
  }
  const parsed: SseEvent = { data: data.join('\n'), raw: `${block}\n\n` };
  if (event !== undefined) parsed.event = event;
  return parsed;
}

/** Serialises one event; `data` must not contain newlines (JSON.stringify output never does). */
export function formatSse(data: string, event?: string): string {
  return event === undefined ? `data: ${data}\n\n` : `event: ${event}\ndata: ${data}\n\n`;
}
