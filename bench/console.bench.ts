/**
 * `npm run bench:console`: the console's hot paths in Debian Chromium against a real
 * `agentdock serve` (issue 5), each with a baseline measured in the same run:
 *
 * - time to first render of the fleet view with 1,000 agents (navigation start → first fleet row
 *   in the DOM), against the same 1,000 rows as a plain server-rendered HTML table;
 * - event-to-panel latency p50/p95 at ~200 runtime events/s (the runtime's event time → the row in
 *   the agent's events panel), against a Node console client on the same stream (the pipeline
 *   without the browser);
 * - the longest main-thread task and frame while scrolling the 1,000-agent table, against
 *   scrolling the plain HTML table.
 *
 * Figures are printed, never asserted: the machines are shared and noisy.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { launchChromium, requireChromium } from '../e2e/browser/chromium';
import { deployWithKey, startServe } from '../e2e/browser/serve-process';
import type { ServeProcess } from '../e2e/browser/serve-process';
import { createRepositories, openDatabase } from '../src-main/core/store';
import { connectConsoleSocket } from '../src-main/serve/ws-client-transport';
import { ConsoleClient } from '../src-shared/ipc/client';

const FLEET = Number(process.env.BENCH_CONSOLE_AGENTS ?? 1000);
const EVENTS_PER_SECOND = Number(process.env.BENCH_CONSOLE_EVENT_RATE ?? 200);
const EVENT_SECONDS = Number(process.env.BENCH_CONSOLE_EVENT_SECONDS ?? 10);
const RUNS = 3;
const AGENT = 'bench-events';

const percentile = (values: readonly number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
};
const median = (values: readonly number[]): number => percentile(values, 50);
const ms = (value: number): string => `${value.toFixed(1)} ms`;
const ratio = (value: number, baseline: number): string => `${(value / baseline).toFixed(2)}×`;

/** Seeds the data dir with FLEET agents before serve opens it (rows without deployments: stopped). */
function seedFleet(home: string): void {
  const db = openDatabase(path.join(home, 'agentdock.db'));
  const repositories = createRepositories(db);
  for (let index = 0; index < FLEET; index++) repositories.agents.create(`fleet-${String(index).padStart(4, '0')}`);
  db.sql.close();
}

/** The baseline page: the same rows as static HTML, served from loopback. */
async function staticFleetServer(): Promise<{ url: string; close(): Promise<void> }> {
  const rows = Array.from({ length: FLEET }, (_, index) => `<tr role="row"><td><a href="#">fleet-${String(index).padStart(4, '0')}</a></td><td>stopped</td><td>v1</td><td>process</td><td>0/0</td><td>—</td><td>—</td><td>$0.00</td><td>—</td></tr>`).join('');
  const html = `<!doctype html><html><head><title>baseline</title><style>body{margin:0;font:13px system-ui}#scroller{height:700px;overflow:auto}td{padding:6px 10px;border-bottom:1px solid #ddd}</style></head><body><div id="scroller"><table><tbody>${rows}</tbody></table></div></body></html>`;
  const server = createServer((_request, response) => response.writeHead(200, { 'content-type': 'text/html' }).end(html));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** Milliseconds from navigation start until an element matching `selector` is in the DOM (stamped in the page). */
async function timeToFirst(page: Page, url: string, selector: string): Promise<number> {
  await page.addInitScript(`(() => {
    const stamp = () => { if (!window.__firstAt && document.querySelector(${JSON.stringify(selector)})) { window.__firstAt = performance.now(); return true; } return false; };
    new MutationObserver((_, observer) => { if (stamp()) observer.disconnect(); }).observe(document, { childList: true, subtree: true });
  })()`);
  await page.goto(url, { waitUntil: 'load' });
  // A function, not a string: a string predicate is eval'd in the page, which the console's CSP refuses.
  await page.waitForFunction(() => (globalThis as { __firstAt?: number }).__firstAt !== undefined, undefined, { timeout: 60_000 });
  return (await page.evaluate('window.__firstAt')) as number;
}

/** Scrolls `scroller` top to bottom over ~3 s, one step a frame; the longest long task and frame. */
async function scrollCost(page: Page, scroller: string): Promise<{ longestTaskMs: number; longestFrameMs: number; p95FrameMs: number }> {
  return (await page.evaluate(`new Promise((resolve) => {
    const element = document.querySelector(${JSON.stringify(scroller)});
    const tasks = [];
    const observer = new PerformanceObserver((list) => { for (const entry of list.getEntries()) tasks.push(entry.duration); });
    observer.observe({ type: 'longtask' });
    const frames = [];
    const steps = 180;
    const distance = element.scrollHeight - element.clientHeight;
    let step = 0;
    let last = performance.now();
    const tick = (now) => {
      frames.push(now - last);
      last = now;
      if (step++ < steps) {
        element.scrollTop = (distance * step) / steps;
        requestAnimationFrame(tick);
        return;
      }
      setTimeout(() => {
        observer.disconnect();
        const sorted = frames.slice(1).sort((a, b) => a - b);
        resolve({ longestTaskMs: tasks.length ? Math.max(...tasks) : 0, longestFrameMs: sorted.at(-1) ?? 0, p95FrameMs: sorted[Math.floor(sorted.length * 0.95)] ?? 0 });
      }, 100);
    };
    requestAnimationFrame((now) => { last = now; requestAnimationFrame(tick); });
  })`)) as { longestTaskMs: number; longestFrameMs: number; p95FrameMs: number };
}

/** A project whose agent answers at once (no model), deployed through the CLI with a key. */
function deployEventAgent(serve: ServeProcess, workDir: string): { endpoint: string; key: string } {
  const dockfile = `version: "1.0"
agent: { name: ${AGENT}, entrypoint: agent.mjs:run, framework: langgraph }
model: { provider: openai, name: gpt-4o-mini }
io_schema:
  input: { type: object, properties: { n: { type: integer } } }
  output: { type: object, properties: { n: { type: integer } } }
auth: { mode: api_key, api_keys: { enabled: true } }
expose: { rest: true, host: 127.0.0.1 }
`;
  return deployWithKey(serve, AGENT, path.join(workDir, AGENT), { 'Dockfile.yaml': dockfile, 'agent.mjs': 'export async function run(input) { return { n: input.n ?? 0 }; }\n' });
}

/** Invokes the agent at a steady rate for EVENT_SECONDS; resolves with how many runs it made. */
async function drive(endpoint: string, key: string, runsPerSecond: number): Promise<number> {
  const interval = 1000 / runsPerSecond;
  const started = performance.now();
  const inFlight: Promise<unknown>[] = [];
  let runs = 0;
  while (performance.now() - started < EVENT_SECONDS * 1000) {
    const due = started + runs * interval;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    inFlight.push(fetch(`${endpoint}/invoke`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': key }, body: JSON.stringify({ n: runs }) }).then((response) => response.arrayBuffer()));
    runs++;
  }
  await Promise.all(inFlight);
  return runs;
}

async function main(): Promise<void> {
  requireChromium();
  const workDir = mkdtempSync(path.join(tmpdir(), 'agentdock-bench-console-'));
  const serve = await startServe([], seedFleet);
  const browser = await launchChromium();
  const baseline = await staticFleetServer();
  try {
    console.log(`bench:console — ${FLEET} agents, Chromium ${browser.context.browser()?.version() ?? '(persistent context)'}, ${RUNS} runs per figure`);

    // 1. First render of the fleet view.
    const consoleRender: number[] = [];
    const plainRender: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const page = await browser.context.newPage();
      consoleRender.push(await timeToFirst(page, serve.url, '[role="table"][aria-label="Agents"] [role="row"] a'));
      await page.close();
      const plain = await browser.context.newPage();
      plainRender.push(await timeToFirst(plain, baseline.url, 'tr[role="row"] a'));
      await plain.close();
    }
    console.log(`fleet view, first render of ${FLEET} agents: ${ms(median(consoleRender))} (runs ${consoleRender.map(ms).join(', ')})`);
    console.log(`  baseline, the same rows as static HTML: ${ms(median(plainRender))} → ${ratio(median(consoleRender), median(plainRender))}`);

    // 2. Scrolling the fleet.
    const fleetPage = await browser.context.newPage();
    await fleetPage.goto(serve.url, { waitUntil: 'load' });
    await fleetPage.locator('[role="table"][aria-label="Agents"] [role="row"] a').first().waitFor();
    const scroller = (await fleetPage.evaluate(`(() => {
      let element = document.querySelector('[role="table"][aria-label="Agents"] [role="rowgroup"]');
      while (element && !(element.scrollHeight > element.clientHeight + 10 && getComputedStyle(element).overflowY !== 'visible')) element = element.parentElement;
      if (!element) return null;
      element.setAttribute('data-bench-scroller', '');
      return '[data-bench-scroller]';
    })()`)) as string | null;
    if (!scroller) throw new Error('could not find the fleet table scroll container');
    const consoleScroll = await scrollCost(fleetPage, scroller);
    const renderedRows = await fleetPage.locator('[role="table"][aria-label="Agents"] [role="row"]').count();
    await fleetPage.close();
    const plainPage = await browser.context.newPage();
    await plainPage.goto(baseline.url, { waitUntil: 'load' });
    const plainScroll = await scrollCost(plainPage, '#scroller');
    await plainPage.close();
    console.log(
      `scrolling ${FLEET} agents (${renderedRows} rows in the DOM): longest main-thread task ${consoleScroll.longestTaskMs > 0 ? ms(consoleScroll.longestTaskMs) : 'none ≥ 50 ms'}, ` +
        `longest frame ${ms(consoleScroll.longestFrameMs)}, p95 frame ${ms(consoleScroll.p95FrameMs)}`,
    );
    console.log(
      `  baseline, static HTML table: longest task ${plainScroll.longestTaskMs > 0 ? ms(plainScroll.longestTaskMs) : 'none ≥ 50 ms'}, longest frame ${ms(plainScroll.longestFrameMs)}, ` +
        `p95 frame ${ms(plainScroll.p95FrameMs)} → longest frame ${ratio(consoleScroll.longestFrameMs, plainScroll.longestFrameMs)}`,
    );

    // 3. Event-to-panel latency under load.
    const { endpoint, key } = deployEventAgent(serve, workDir);
    const token = new URL(serve.url).hash.slice('#token='.length);
    const socket = await connectConsoleSocket(serve.origin, token);
    const client = new ConsoleClient(socket.transport);
    const nodeLatencies: number[] = [];
    let eventsSeen = 0;
    const unsubscribe = client.subscribe('telemetry:events', { agent: AGENT }, (event) => {
      eventsSeen++;
      nodeLatencies.push(Date.now() - Date.parse(event.time));
    });
    const panel = await browser.context.newPage();
    await panel.goto(serve.url, { waitUntil: 'load' });
    await panel.getByRole('table', { name: 'Agents' }).getByRole('link', { name: AGENT, exact: true }).click();
    await panel.getByRole('tab', { name: 'Events', exact: true }).click();
    await panel.getByRole('list', { name: `${AGENT} events` }).waitFor({ state: 'attached' });
    await panel.evaluate(`(() => {
      window.__latencies = [];
      const seen = new WeakSet();
      new MutationObserver((records) => {
        const now = Date.now();
        for (const record of records) for (const node of record.addedNodes) {
          if (node.nodeType === 1 && node.matches('li[data-time]') && !seen.has(node)) { seen.add(node); window.__latencies.push(now - Date.parse(node.getAttribute('data-time'))); }
        }
      }).observe(document.querySelector('ol.event-log'), { childList: true });
    })()`);
    // Warm up: the stream is live (telemetry follows the replica) once a run's events arrive.
    const warmUpBefore = eventsSeen;
    await fetch(`${endpoint}/invoke`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': key }, body: '{"n":0}' }).then((response) => response.arrayBuffer());
    for (let waited = 0; eventsSeen < warmUpBefore + 2 && waited < 30_000; waited += 50) await new Promise((resolve) => setTimeout(resolve, 50));
    nodeLatencies.length = 0;
    await panel.evaluate('window.__latencies.length = 0');
    // Each run of this agent emits run_start and run_end (no model or tool calls): half as many runs
    // a second as events. The achieved rate is measured and printed.
    const eventsPerRun = 2;
    const seenBefore = eventsSeen;
    const runsPerSecond = EVENTS_PER_SECOND / eventsPerRun;
    const runs = await drive(endpoint, key, runsPerSecond);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const panelLatencies = (await panel.evaluate('window.__latencies')) as number[];
    const achieved = (eventsSeen - seenBefore) / EVENT_SECONDS;
    unsubscribe();
    await socket.close();
    await panel.close();
    console.log(`event-to-panel at ${achieved.toFixed(0)} events/s (${runs} runs, ${panelLatencies.length} rows): p50 ${ms(median(panelLatencies))}, p95 ${ms(percentile(panelLatencies, 95))}, max ${ms(Math.max(...panelLatencies))}`);
    console.log(
      `  baseline, a Node console client on the same stream: p50 ${ms(median(nodeLatencies))}, p95 ${ms(percentile(nodeLatencies, 95))} → ` +
        `p50 ${ratio(median(panelLatencies), Math.max(1, median(nodeLatencies)))}, p95 ${ratio(percentile(panelLatencies, 95), Math.max(1, percentile(nodeLatencies, 95)))}`,
    );
  } finally {
    try {
      serve.cli(['stop', AGENT]);
    } catch {
      // Not deployed: nothing to stop.
    }
    await baseline.close();
    await browser.close();
    await serve.stop();
    rmSync(workDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
