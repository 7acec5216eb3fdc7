import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { waitUntilReady } from './health-gate';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

/** A server whose /ready turns 200 after `readyAfter` probes. */
async function replica(readyAfter: number): Promise<string> {
  let probes = 0;
  const server = createServer((req, res) => {
    probes++;
    res.writeHead(req.url === '/ready' && probes > readyAfter ? 200 : 503).end();
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('waitUntilReady', () => {
  it('passes once every replica answers 200', async () => {
    const result = await waitUntilReady([await replica(0), await replica(3)], { timeoutMs: 10_000, intervalMs: 5 });
    expect(result.ok).toBe(true);
  });

  it('fails after the timeout and names the replicas that never got ready', async () => {
    const ready = await replica(0);
    const stuck = await replica(Number.POSITIVE_INFINITY);
    const result = await waitUntilReady([ready, stuck], { timeoutMs: 150, intervalMs: 10 });
    expect(result).toMatchObject({ ok: false, notReady: [{ endpoint: stuck, lastStatus: 'HTTP 503' }] });
  });

  it('reports an unreachable replica with its error', async () => {
    const result = await waitUntilReady(['http://127.0.0.1:1'], { timeoutMs: 100, intervalMs: 10 });
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.notReady[0]?.lastStatus).toMatch(/fetch failed|ECONNREFUSED/);
  });

  it("stops at once with the runtime's reason when an agent cannot load", async () => {
    let probes = 0;
    const server = createServer((_req, res) => {
      probes++;
      res.writeHead(503, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'AgentLoadFailed', code: 503, detail: "the agent failed to load: cannot import agent.graph: ModuleNotFoundError: No module named 'crm'" }));
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    // A minute's timeout: only the first answer is needed to know waiting cannot help.
    const result = await waitUntilReady([endpoint], { timeoutMs: 60_000, intervalMs: 10 });
    expect(result).toMatchObject({ ok: false, loadFailure: "the agent failed to load: cannot import agent.graph: ModuleNotFoundError: No module named 'crm'" });
    expect(probes).toBe(1);
  });
});
