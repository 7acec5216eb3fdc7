// A subscription against the runtime's own event stream code (EventBus + serveEventStream) on a
// real loopback server, storing into a real SQLite file: resume, ring overflow, a restarted
// process, malformed frames, a refused token. The end-to-end test with deployed runtimes is
// telemetry-service.test.ts.
import { createServer } from 'node:http';
import type { Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EventBus } from '../../runtime/telemetry/event-bus';
import { serveEventStream } from '../../runtime/telemetry/sse';
import { createRepositories } from '../store';
import type { Repositories } from '../store';
import { tempDatabase } from '../store/test-support';
import type { TempDatabase } from '../store/test-support';
import { waitFor } from '../targets/process/process-test-support';
import { IngestBatcher } from './ingest-batcher';
import { ReplicaSubscription } from './replica-subscription';
import type { ReplicaRef, SubscriptionHooks } from './replica-subscription';
import type { TelemetryLogEntry } from './telemetry-log';

const TOKEN = 'control-token-0123456789abcdef0123456789abcdef';

/** The runtime's SSE endpoint with its control-token check; `raw` replaces the stream with fixed text. */
class EventsServer {
  bus: EventBus;
  raw: string | undefined;
  readonly lastEventIds: (string | undefined)[] = [];
  private server: Server | undefined;
  private readonly open = new Set<ServerResponse>();
  url = '';

  constructor(capacity = 10_000, clock: () => number = Date.now) {
    this.bus = new EventBus({ agent: 'doc', version: 'v1', capacity, clock });
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      if (req.headers['x-agentdock-control'] !== TOKEN) {
        res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'Unauthorized', code: 401, detail: 'invalid control token' }));
        return;
      }
      const header = req.headers['last-event-id'];
      this.lastEventIds.push(Array.isArray(header) ? header[0] : header);
      this.open.add(res);
      res.once('close', () => this.open.delete(res));
      if (this.raw !== undefined) {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write(this.raw);
        return;
      }
      serveEventStream(req, res, this.bus, { heartbeatMs: 60_000 });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** A new runtime process: event ids start again at 1. */
  restart(clock: () => number, capacity = 10_000): void {
    this.bus = new EventBus({ agent: 'doc', version: 'v1', capacity, clock });
    for (const res of this.open) res.destroy();
  }

  runs(count: number): void {
    for (let index = 0; index < count; index++) this.bus.emit('run_end', { endpoint: '/invoke', status: 'ok', latencyMs: 10 + index, tokensIn: 5, tokensOut: 7, costUsd: 0.001 }, `trace-${this.bus.lastId + 1}`);
  }

  async close(): Promise<void> {
    for (const res of this.open) res.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

let temp: TempDatabase;
let repos: Repositories;
let agentId: string;
let server: EventsServer;
let batcher: IngestBatcher;
let logs: TelemetryLogEntry[];
let token: string | undefined;
let superseded: number;
const subscriptions: ReplicaSubscription[] = [];

beforeEach(async () => {
  temp = tempDatabase();
  repos = createRepositories(temp.db);
  agentId = repos.agents.create('doc').id;
  logs = [];
  token = TOKEN;
  superseded = 0;
  batcher = new IngestBatcher({ ingest: (events) => repos.telemetry.ingest(events), maxDelayMs: 5, log: (entry) => logs.push(entry) });
  server = new EventsServer();
  await server.start();
});

afterEach(async () => {
  await Promise.all(subscriptions.splice(0).map((subscription) => subscription.stop()));
  await server.close();
  batcher.close();
  temp.cleanup();
});

function subscribe(): ReplicaSubscription {
  const ref: ReplicaRef = { deploymentId: 'dep_1', agentId, replicaId: 'replica-0', endpoint: server.url, processKey: 'p1', source: 'dep_1/replica-0@p1' };
  const hooks: SubscriptionHooks = {
    token: () => Promise.resolve(token),
    lastStored: (source) => {
      batcher.flush();
      return repos.telemetry.lastEvent(source);
    },
    deliver: (events) => batcher.add(events),
    log: (entry) => logs.push(entry),
    backoff: { baseMs: 10, maxMs: 40, jitter: 0 },
    onSuperseded: () => (superseded += 1),
  };
  const subscription = new ReplicaSubscription(ref, hooks);
  subscriptions.push(subscription);
  subscription.start();
  return subscription;
}

const storedIds = (): number[] => {
  batcher.flush();
  return repos.telemetry.events(agentId, { limit: 10_000 }).map((event) => event.eventId);
};
const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, index) => from + index);

describe('ReplicaSubscription', () => {
  it('replays what the runtime buffered, follows live events, and resumes after the last stored one without duplicates', async () => {
    server.runs(3);
    const first = subscribe();
    await waitFor('3 replayed events', () => storedIds().length === 3);
    server.runs(2);
    await waitFor('5 events', () => storedIds().length === 5);
    await first.stop();
    server.runs(3);
    const second = subscribe(); // no memory: resumes from the store
    await waitFor('8 events', () => storedIds().length === 8);
    expect(storedIds()).toEqual(range(1, 8));
    // Asked for n-1 so event n proves the same process: 0 first (nothing stored), then 4.
    expect(server.lastEventIds).toEqual(['0', '4']);
    const window = { from: new Date(Date.now() - 3_600_000).toISOString(), to: new Date(Date.now() + 60_000).toISOString() };
    expect(repos.telemetry.summarize(agentId, window)).toMatchObject({ requests: 8, tokensIn: 40, tokensOut: 56 });
    expect(first.stats.lost + second.stats.lost).toBe(0);
    expect(batcher.totals.duplicates).toBe(0);
  });

  it('counts the events the runtime no longer had when it resumes after its ring overflowed', async () => {
    await server.close();
    server = new EventsServer(5);
    await server.start();
    const first = subscribe();
    server.runs(3);
    await waitFor('3 events', () => storedIds().length === 3);
    await first.stop();
    server.runs(10); // ids 4…13; the ring keeps 9…13
    const second = subscribe();
    await waitFor('the retained events', () => storedIds().length === 8);
    expect(storedIds()).toEqual([1, 2, 3, 9, 10, 11, 12, 13]);
    expect(second.stats.lost).toBe(5);
    expect(logs.some((entry) => /5 event\(s\) of dep_1\/replica-0@p1 were lost/.test(entry.message))).toBe(true);
  });

  it('notices a restarted runtime (ids start again) and stores nothing of it under the old process', async () => {
    let now = Date.parse('2030-01-01T00:00:00.000Z');
    await server.close();
    server = new EventsServer(10_000, () => now);
    await server.start();
    const first = subscribe();
    server.runs(3);
    await waitFor('3 events', () => storedIds().length === 3);
    await first.stop();
    // A new process with more events than we stored: event 3 exists but is another event.
    now += 60_000;
    server.restart(() => now);
    server.runs(5);
    const second = subscribe();
    await waitFor('superseded', () => superseded > 0);
    expect(second.stats.state === 'superseded' || second.stats.state === 'connecting' || second.stats.state === 'open').toBe(true);
    expect(storedIds()).toEqual([1, 2, 3]);
    await second.stop();
    // A new process with fewer events than we stored: the runtime answers with a reset.
    server.restart(() => now);
    server.runs(1);
    superseded = 0;
    subscribe();
    await waitFor('superseded again', () => superseded > 0);
    expect(storedIds()).toEqual([1, 2, 3]);
    expect(logs.some((entry) => /is no longer the process dep_1\/replica-0@p1 names/.test(entry.message))).toBe(true);
  });

  it('skips malformed frames, counts them per reason, logs each reason once and keeps going', async () => {
    const good = (id: number): string => `id: ${id}\nevent: run_end\ndata: ${JSON.stringify({ id, type: 'run_end', time: new Date().toISOString(), agent: 'doc', version: 'v1', data: { status: 'ok', latencyMs: 3 } })}\n\n`;
    server.raw = [
      'retry: 3000\n\n',
      'id: 1\nevent: run_end\ndata: {not json\n\n',
      'id: x1\nevent: run_end\ndata: {}\n\n',
      `id: 2\nevent: run_end\ndata: ${JSON.stringify({ id: 2, type: 'run_end' })}\n\n`,
      'id: 3\nevent: run_end\ndata: nope\n\n',
      `id: 4\nevent: run_end\ndata: ${JSON.stringify({ id: 99, type: 'run_end', time: 'x', data: {} })}\n\n`,
      good(5),
      ': heartbeat\n\n',
      good(6),
    ].join('');
    const subscription = subscribe();
    await waitFor('the good events', () => storedIds().length === 2);
    expect(storedIds()).toEqual([5, 6]);
    expect(subscription.stats.dropped).toEqual({ invalid_json: 2, invalid_id: 1, invalid_shape: 1, id_mismatch: 1 });
    expect(subscription.stats.lost).toBe(0);
    expect(logs.filter((entry) => /dropped a malformed event/.test(entry.message))).toHaveLength(4);
  });

  it('logs a clear error for a wrong or missing control token, does not crash, and connects once the token is right', async () => {
    token = 'wrong-token';
    server.runs(2);
    const subscription = subscribe();
    await waitFor('the refusal', () => subscription.stats.state === 'unauthorized');
    expect(logs).toContainEqual(expect.objectContaining({ level: 'error', message: expect.stringMatching(/refused the control token \(401 Unauthorized: invalid control token\)/) }));
    token = undefined;
    await waitFor('the missing-token error', () => logs.some((entry) => /no control token for deployment dep_1/.test(entry.message)));
    expect(storedIds()).toEqual([]);
    token = TOKEN;
    await waitFor('the events', () => storedIds().length === 2);
    expect(logs.every((entry) => !entry.message.includes(TOKEN))).toBe(true);
  });
});
