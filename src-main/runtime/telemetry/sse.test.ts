import { createServer, get } from 'node:http';
import type { ClientRequest, IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { EventBus } from './event-bus';
import { formatSseEvent, serveEventStream } from './sse';
import type { EventStreamHandle, EventStreamOptions } from './sse';

interface Frame {
  id?: string;
  event?: string;
  data?: string;
  comment?: string;
}

const servers: Server[] = [];
const requests: ClientRequest[] = [];
afterEach(async () => {
  handles.length = 0;
  for (const request of requests.splice(0)) request.destroy();
  await Promise.all(
    servers.splice(0).map(
      (server) =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    ),
  );
});

const handles: EventStreamHandle[] = [];

async function serve(bus: EventBus, options: EventStreamOptions = {}): Promise<string> {
  const server = createServer((req, res) => handles.push(serveEventStream(req, res, bus, options)));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function parseFrames(text: string): Frame[] {
  return text
    .split('\n\n')
    .filter((block) => block.length > 0)
    .map((block) => {
      const frame: Frame = {};
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) frame.comment = line.slice(1).trim();
        const match = /^(id|event|data): ?(.*)$/.exec(line);
        if (match) {
          const field = match[1] as 'id' | 'event' | 'data';
          frame[field] = field === 'data' && frame.data !== undefined ? `${frame.data}\n${match[2]}` : match[2];
        }
      }
      return frame;
    });
}

/** Connects and collects complete frames (the trailing partial block is kept for later). */
function connect(url: string, headers: Record<string, string> = {}): Promise<{ response: IncomingMessage; frames: () => Frame[]; ended: Promise<void> }> {
  return new Promise((resolve, reject) => {
    const request = get(url, { headers }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      const ended = new Promise<void>((done) => response.on('close', () => done()));
      resolve({ response, frames: () => parseFrames(text.slice(0, text.lastIndexOf('\n\n') + 2)), ended });
    });
    request.on('error', reject);
    requests.push(request);
  });
}

const bus = (capacity = 100): EventBus => new EventBus({ agent: 'lead-gen', version: '1.2.0', capacity });
const eventFrames = (frames: Frame[]): Frame[] => frames.filter((frame) => frame.event !== undefined);

describe('serveEventStream over HTTP', () => {
  it('replays after Last-Event-ID, then streams live, with SSE headers', async () => {
    const events = bus();
    for (let i = 1; i <= 5; i++) events.emit('run_end', { n: i }, `trace-${i}`);
    const client = await connect(await serve(events), { 'last-event-id': '2' });
    expect(client.response.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    await vi.waitFor(() => expect(eventFrames(client.frames())).toHaveLength(3));
    events.emit('policy', { rule: 'ssn', action: 'redacted' });
    await vi.waitFor(() => expect(eventFrames(client.frames())).toHaveLength(4));
    const frames = eventFrames(client.frames());
    expect(frames.map((frame) => frame.id)).toEqual(['3', '4', '5', '6']);
    expect(frames.map((frame) => frame.event)).toEqual(['run_end', 'run_end', 'run_end', 'policy']);
    expect(JSON.parse(frames[0]?.data ?? '')).toMatchObject({ id: 3, type: 'run_end', traceId: 'trace-3', agent: 'lead-gen', data: { n: 3 } });
  });

  it('takes the resume point from ?lastEventId= for EventSource polyfills', async () => {
    const events = bus();
    for (let i = 1; i <= 5; i++) events.emit('token', { i });
    const client = await connect(`${await serve(events)}/events?lastEventId=4`);
    await vi.waitFor(() => expect(eventFrames(client.frames()).map((frame) => frame.id)).toEqual(['5']));
  });

  it('sends a reset event, then what is left, when the requested id fell out of the buffer', async () => {
    const events = bus(3);
    for (let i = 1; i <= 7; i++) events.emit('token', { i });
    const client = await connect(await serve(events), { 'last-event-id': '1' });
    await vi.waitFor(() => expect(eventFrames(client.frames())).toHaveLength(4));
    const [reset, ...rest] = eventFrames(client.frames());
    expect(reset?.event).toBe('reset');
    expect(JSON.parse(reset?.data ?? '')).toMatchObject({ requestedId: 1, lastId: 7 });
    expect(rest.map((frame) => frame.id)).toEqual(['5', '6', '7']);
  });

  it('without Last-Event-ID streams only what happens from now on', async () => {
    const events = bus();
    events.emit('token', { old: true });
    const client = await connect(await serve(events));
    await vi.waitFor(() => expect(events.subscriberCount).toBe(1));
    events.emit('token', { old: false });
    await vi.waitFor(() => expect(eventFrames(client.frames()).map((frame) => frame.id)).toEqual(['2']));
  });

  it('sends heartbeat comments while idle', async () => {
    const client = await connect(await serve(bus(), { heartbeatMs: 10 }));
    await vi.waitFor(() => expect(client.frames().filter((frame) => frame.comment === 'heartbeat').length).toBeGreaterThanOrEqual(2));
  });

  it('unsubscribes when the client goes away', async () => {
    const events = bus();
    await connect(await serve(events));
    await vi.waitFor(() => expect(events.subscriberCount).toBe(1));
    requests[0]?.destroy();
    await vi.waitFor(() => expect(events.subscriberCount).toBe(0));
  });

  it('drops a consumer that stops reading, with a final dropped event, instead of buffering', async () => {
    const events = bus(10_000);
    const client = await connect(await serve(events, { maxBufferedBytes: 64 * 1024 }));
    client.response.pause();
    await vi.waitFor(() => expect(events.subscriberCount).toBe(1));
    const payload = 'x'.repeat(8 * 1024);
    // 32 MiB: far beyond what the loopback socket buffers can absorb from a paused reader.
    for (let i = 0; i < 4_000; i++) events.emit('log', { payload });
    expect(events.subscriberCount).toBe(0);
    client.response.resume();
    await client.ended;
    const frames = eventFrames(client.frames());
    const last = frames.at(-1);
    expect(last?.event).toBe('dropped');
    const delivered = frames.slice(0, -1).map((frame) => Number(frame.id));
    expect(delivered.length).toBeLessThan(4_000);
    expect(delivered).toEqual(delivered.map((_, i) => i + 1));
    expect(JSON.parse(last?.data ?? '')).toEqual({ reason: 'slow_consumer', lastEventId: delivered.length });
  });

  it('destroys the socket of a dropped consumer that never reads again', async () => {
    const events = bus(10_000);
    const client = await connect(await serve(events, { maxBufferedBytes: 64 * 1024, dropGraceMs: 20 }));
    client.response.pause();
    await vi.waitFor(() => expect(events.subscriberCount).toBe(1));
    const payload = 'x'.repeat(8 * 1024);
    for (let i = 0; i < 4_000; i++) events.emit('log', { payload });
    expect(events.subscriberCount).toBe(0);
    // The client is paused, so only the server side can see the connection end.
    expect(handles).toHaveLength(1);
    await expect(handles[0]?.closed).resolves.toBeUndefined();
  });
});

describe('formatSseEvent', () => {
  it('cannot be made to forge fields: line breaks are stripped from id and event, data is split per line', () => {
    expect(formatSseEvent('token\nevent: admin', 'a\nid: 99\r\nb', '7\ndata: x')).toBe('id: 7data: x\nevent: tokenevent: admin\ndata: a\ndata: id: 99\ndata: b\n\n');
  });

  it('sends objects as one JSON data line', () => {
    expect(formatSseEvent('run_end', { text: 'two\nlines' }, 3)).toBe('id: 3\nevent: run_end\ndata: {"text":"two\\nlines"}\n\n');
  });
});
