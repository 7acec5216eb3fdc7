// The offline demo end to end on a real control plane (SQLite, vault, process target, telemetry
// and alerting as the CLI runs them), against the built out/demo agent:
// - it is deterministic: ten fast runs in a row in one data dir (a presenter rerunning it, each
//   run redeploying) give the same incidents at the same leads and the same counts and totals
//   (seed 002 #18, #27 "runs 10 times successfully");
// - it is crash safe: the agent's replica killed with a lead in flight is restarted by the process
//   target and the lead is sent again, so every lead is processed exactly once;
// - it needs no network: the CLI runs it to the end in a network namespace with only loopback.
import { execFile, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DemoEvent, DemoIncident, DemoLeadOutcome, DemoSummary } from '../../../src-shared/ipc/demo-types';
import { openControlPlane } from '../control-plane';
import type { ControlPlane } from '../control-plane';
import { deleteDeploymentsAndClose } from '../control-plane-test-support';
import { startMonitoring } from '../monitoring';
import { alive, ensureRuntimeBuilt, waitFor } from '../targets/process/process-test-support';
import { generateMasterKey, StaticKeyProvider } from '../vault';
import { runDemo } from './demo-run';
import { DEMO_SCRIPT } from './demo-script';

const REPO_ROOT = path.resolve(import.meta.dirname, '../../..');
const RUN_TIMEOUT_MS = 5 * 60_000;

/** The incidents every full run must have, at these leads, in this order. */
const SCRIPTED_INCIDENTS = [
  { kind: 'rate_limited', lead: 34 },
  { kind: 'breaker_open', lead: 34 },
  { kind: 'key_rotated', lead: 50 },
  { kind: 'breaker_recovered', lead: 61 },
  { kind: 'pii_redacted', lead: 67 },
  { kind: 'budget_warning', lead: 85 },
];

let home: string;
let plane: ControlPlane;
let monitoring: ReturnType<typeof startMonitoring>;

/** out/demo (and out/runtime, out/cli), built on demand under the same lock as ensureRuntimeBuilt. */
function ensureDemoBuilt(): void {
  ensureRuntimeBuilt();
  const build = `[ -f out/demo/leads.json ] && [ -f out/cli/agentdock.js ] || "${process.execPath}" scripts/build-node-bundles.mjs`;
  execFileSync('flock', [path.join(tmpdir(), 'agentdock-build-node.lock'), 'sh', '-c', build], { cwd: REPO_ROOT, stdio: 'ignore' });
}

interface DemoRecord {
  summary: DemoSummary;
  leads: DemoLeadOutcome[];
  events: DemoEvent[];
}

/** One fast run of all 100 leads, with its events. */
async function runFastDemo(beforeLead?: Parameters<typeof runDemo>[0]['beforeLead']): Promise<DemoRecord> {
  const events: DemoEvent[] = [];
  const summary = await runDemo({ plane, actor: 'demo-test', pace: 'fast', onEvent: (event) => events.push(event), ...(beforeLead ? { beforeLead } : {}) });
  const leads = events.flatMap((event) => (event.kind === 'lead' ? [event.lead] : []));
  return { summary, leads, events };
}

/** What must not change between runs: the summary without its timings and ids, incidents without the keys' and process's names. */
function comparable(record: DemoRecord): unknown {
  const { durationMs, leadsPerHour, latencyMs, runId, deploymentId, incidents, ...rest } = record.summary;
  void [durationMs, leadsPerHour, latencyMs, runId, deploymentId];
  return {
    ...rest,
    incidents: incidents.map(comparableIncident),
    leads: record.leads.map(({ latencyMs: ignored, ...outcome }) => (void ignored, outcome)),
  };
}

/** An incident without its message (it quotes the rotated keys' last digits) and without the replica's pid. */
function comparableIncident(incident: DemoIncident): unknown {
  const { process: ignored, ...data } = incident.data ?? {};
  void ignored;
  return { kind: incident.kind, lead: incident.lead, data };
}

const kindsAndLeads = (incidents: readonly DemoIncident[]): { kind: string; lead: number }[] => incidents.map(({ kind, lead }) => ({ kind, lead }));

beforeAll(() => {
  ensureDemoBuilt();
  home = mkdtempSync(path.join(tmpdir(), 'agentdock-demo-'));
  plane = openControlPlane({ dataDir: path.join(home, 'data'), env: {}, keyProvider: new StaticKeyProvider(generateMasterKey()) });
  // As the CLI does: the driver waits for the runtime's `config` event, which telemetry ingests.
  monitoring = startMonitoring(plane);
}, 120_000);

afterAll(async () => {
  monitoring?.dispose();
  if (plane) await deleteDeploymentsAndClose(plane);
  if (home) rmSync(home, { recursive: true, force: true });
});

describe('runDemo', () => {
  it(
    'runs ten times in a row in one data dir with the same incidents at the same leads, the same counts and the same totals',
    async () => {
      const runs: DemoRecord[] = [];
      const durations: number[] = [];
      for (let run = 1; run <= 10; run++) {
        const started = Date.now();
        runs.push(await runFastDemo());
        durations.push(Date.now() - started);
      }
      console.log(`demo: ten fast runs took ${durations.map((ms) => (ms / 1000).toFixed(1)).join(', ')} s (driver's durationMs ${runs.map((record) => record.summary.durationMs).join(', ')})`);

      const first = runs[0]!;
      expect(new Set(runs.map((record) => record.summary.deploymentId)).size).toBe(10);
      for (const record of runs) expect(comparable(record)).toEqual(comparable(first));

      // What the first run (and so every run) must be, not just the same.
      const { summary, leads } = first;
      expect(summary).toMatchObject({ leads: 100, processed: 100, succeeded: 100, failed: 0, restarts: 0 });
      expect(leads.map((lead) => lead.index)).toEqual(Array.from({ length: 100 }, (_, position) => position + 1));
      expect(kindsAndLeads(summary.incidents)).toEqual(SCRIPTED_INCIDENTS);
      expect(summary.incidents.find((incident) => incident.kind === 'key_rotated')?.data).toMatchObject({ reloaded: true, sameProcess: true });
      const spentAfter = (index: number): number => leads.find((lead) => lead.index === index)!.spentUsd;
      const warnAtUsd = DEMO_SCRIPT.budgetUsd * DEMO_SCRIPT.warnRatio;
      expect(spentAfter(DEMO_SCRIPT.budgetWarningLead - 1)).toBeLessThan(warnAtUsd);
      expect(spentAfter(DEMO_SCRIPT.budgetWarningLead)).toBeGreaterThanOrEqual(warnAtUsd);
      expect(summary.spentUsd).toBeLessThan(DEMO_SCRIPT.budgetUsd);
      expect(summary.qualified).toBeGreaterThan(0);
      expect(summary.sources.linkedin?.cache).toBeGreaterThan(0);
      expect(summary.savings.blockedCalls).toBeGreaterThan(0);
      expect(summary.savings.cacheHits).toBeGreaterThan(0);

      // The runtime redacted (not the driver): its policy event and PII audit record are in the
      // stored telemetry of the last run's deployment.
      const last = runs.at(-1)!.summary;
      const agentId = plane.repositories.agents.require(DEMO_SCRIPT.agentName).id;
      const policyEvents = await waitFor('the PII redaction and its audit record in the stored telemetry', () => {
        const stored = plane.repositories.telemetry.events(agentId, { types: ['policy'], limit: 10_000 }).filter((event) => event.deploymentId === last.deploymentId);
        return stored.some((event) => event.data.kind === 'pii_audit') && stored.some((event) => event.data.action === 'redacted') && stored;
      });
      expect(policyEvents.find((event) => event.data.kind === 'pii_audit')?.data).toMatchObject({ piiType: 'EMAIL', valueHash: expect.stringMatching(/^[0-9a-f]{64}$/) });
      const demoEmail = /[a-z.]+@[a-z0-9.-]+\.example/;
      expect(policyEvents.map((event) => JSON.stringify(event.data)).join('\n')).not.toMatch(demoEmail);

      // The runtime's budget event raised the in-app warning with "approve increase".
      const warning = await waitFor('the budget warning notification', () => plane.alerts().notifications.list({}).find((notification) => notification.agentName === DEMO_SCRIPT.agentName && notification.source === 'alert:budget_warning'));
      expect(warning).toMatchObject({ severity: 'warning', data: { action: 'increase_budget' } });
    },
    RUN_TIMEOUT_MS,
  );

  it(
    'processes every lead exactly once when the agent is killed with lead 40 in flight',
    async () => {
      const crashLead = 40;
      let killed: { pid: number; requestQueued: boolean } | undefined;
      let killing: Promise<void> | undefined;
      const record = await runFastDemo(async (index, { deploymentId }) => {
        if (index !== crashLead) return;
        const status = await plane.targets.process!.status(deploymentId);
        const replica = status?.replicas[0];
        const pid = Number(replica?.handle);
        const port = Number(new URL(replica?.endpoint ?? 'http://127.0.0.1:0').port);
        expect(alive(pid)).toBe(true);
        // Frozen, the replica cannot answer: lead 40 is sent to it, reaches its socket, and only
        // then is the process killed, mid-request.
        process.kill(pid, 'SIGSTOP');
        killing = (async () => {
          let requestQueued = false;
          try {
            requestQueued = await waitFor(`lead ${crashLead} to reach the frozen replica's socket (port ${port})`, () => bytesQueuedOnPort(port), 10_000);
          } finally {
            process.kill(pid, 'SIGKILL');
            killed = { pid, requestQueued };
          }
        })();
        killing.catch(() => undefined); // awaited after the run
      });
      await killing;

      expect(killed).toMatchObject({ requestQueued: true });
      expect(alive(killed!.pid)).toBe(false);
      const { summary, leads } = record;
      expect(summary).toMatchObject({ processed: 100, succeeded: 100, failed: 0 });
      expect(summary.restarts).toBeGreaterThanOrEqual(1);
      expect(leads.map((lead) => lead.index)).toEqual(Array.from({ length: 100 }, (_, position) => position + 1));
      expect(leads.find((lead) => lead.index === crashLead)?.attempts).toBeGreaterThanOrEqual(2);
      expect(leads.filter((lead) => lead.index !== crashLead).every((lead) => lead.attempts === 1)).toBe(true);
      const restarted = summary.incidents.filter((incident) => incident.kind === 'agent_restarted');
      expect(restarted.length).toBeGreaterThanOrEqual(1);
      expect(restarted.every((incident) => incident.lead === crashLead)).toBe(true);
      expect(kindsAndLeads(summary.incidents.filter((incident) => incident.kind !== 'agent_restarted'))).toEqual(SCRIPTED_INCIDENTS);
      // The restarted runtime went on from the spend before the crash, so its budget warning still
      // fired at 90% and reached the console, the webhook and the mailbox.
      expect(summary.incidents.find((incident) => incident.kind === 'budget_warning')?.data).toMatchObject({ notification: true, webhook: true, email: true });
      // The process target brought the replica back as a new process.
      const replica = (await plane.targets.process!.status(summary.deploymentId))?.replicas[0];
      expect(replica).toMatchObject({ state: 'running' });
      expect(replica?.restarts).toBeGreaterThanOrEqual(1);
      expect(Number(replica?.handle)).not.toBe(killed!.pid);
    },
    RUN_TIMEOUT_MS,
  );
});

describe('agentdock demo --fast', () => {
  const netns = `adk-demo-${process.pid}`;
  const ip = (...args: string[]): string => execFileSync('ip', args, { encoding: 'utf8' });

  afterAll(() => {
    try {
      ip('netns', 'del', netns);
    } catch {
      // never made
    }
  });

  it(
    'runs the whole demo with no network: in a network namespace with only loopback up',
    async () => {
      // Needs root (CI runs as root). No skip: without the namespace this test proves nothing, so it fails.
      try {
        ip('netns', 'add', netns);
        ip('netns', 'exec', netns, 'ip', 'link', 'set', 'lo', 'up');
      } catch (error) {
        throw new Error(`cannot create the network namespace ${netns} (ip netns add needs root and the iproute2 tools): ${error instanceof Error ? error.message : String(error)}`);
      }
      // No route anywhere: the main table is empty, loopback is the only interface up.
      expect(ip('netns', 'exec', netns, 'ip', 'route', 'show').trim()).toBe('');
      expect(ip('netns', 'exec', netns, 'ip', '-o', 'link', 'show', 'up').trim().split('\n').map((line) => line.split(':')[1]?.trim())).toEqual(['lo']);

      const cliHome = mkdtempSync(path.join(tmpdir(), 'agentdock-demo-cli-'));
      try {
        const env: NodeJS.ProcessEnv = { ...process.env, AGENTDOCK_HOME: cliHome };
        delete env.AGENTDOCK_MASTER_KEY;
        const started = Date.now();
        const { code, stdout, stderr } = await execFileStatus('ip', ['netns', 'exec', netns, process.execPath, path.join(REPO_ROOT, 'bin/agentdock.js'), 'demo', '--fast', '--json'], { cwd: cliHome, env });
        console.log(`demo: the CLI's fast run in the namespace took ${((Date.now() - started) / 1000).toFixed(1)} s`);
        expect({ code, stderr: code === 0 ? '' : stderr }).toEqual({ code: 0, stderr: '' });
        // One JSON object per line; the demo's events are those with a `kind`.
        const events = stdout.split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as Partial<DemoEvent>).filter((event): event is DemoEvent => typeof event.kind === 'string');
        const leads = events.flatMap((event) => (event.kind === 'lead' ? [event.lead] : []));
        expect(leads).toHaveLength(100);
        expect(leads.every((lead) => lead.status !== 'failed')).toBe(true);
        const incidents = events.flatMap((event) => (event.kind === 'incident' ? [event.incident] : []));
        expect(kindsAndLeads(incidents)).toEqual(SCRIPTED_INCIDENTS);
        const summary = events.find((event) => event.kind === 'summary');
        expect(summary?.kind === 'summary' && summary.summary).toMatchObject({ processed: 100, failed: 0 });
        // Without AGENTDOCK_MASTER_KEY it kept to its own data dir.
        expect(existsSync(path.join(cliHome, 'demo-home', 'demo-master.key'))).toBe(true);
      } finally {
        rmSync(cliHome, { recursive: true, force: true });
      }
    },
    RUN_TIMEOUT_MS,
  );
});

describe('agentdock demo --pause', () => {
  it(
    'stops after the incident at lead #34 until Enter is pressed, then runs to the end',
    async () => {
      const cliHome = mkdtempSync(path.join(tmpdir(), 'agentdock-demo-pause-'));
      try {
        const env: NodeJS.ProcessEnv = { ...process.env, AGENTDOCK_HOME: cliHome };
        delete env.AGENTDOCK_MASTER_KEY;
        const child = spawn(process.execPath, [path.join(REPO_ROOT, 'bin/agentdock.js'), 'demo', '--fast', '--pause', '--leads', '40', '--json'], { cwd: cliHome, env, stdio: ['pipe', 'pipe', 'pipe'] });
        let stderr = '';
        child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
        const events: DemoEvent[] = [];
        const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
        const lines = createInterface({ input: child.stdout });
        const paused = new Promise<void>((resolve) =>
          lines.on('line', (line) => {
            if (!line.startsWith('{')) return;
            const event = JSON.parse(line) as DemoEvent;
            if (typeof event.kind !== 'string') return;
            events.push(event);
            if (event.kind === 'paused') resolve();
          }),
        );
        await Promise.race([paused, exited.then((code) => Promise.reject(new Error(`the demo exited (${code}) before pausing: ${stderr}`)))]);
        expect(events.at(-1)).toEqual({ kind: 'paused', afterLead: 34, reason: 'incident' });
        // Waiting for the presenter: no lead goes by.
        const seen = events.length;
        await new Promise((resolve) => setTimeout(resolve, 500));
        expect(events.length).toBe(seen);
        child.stdin.write('\n');
        expect({ code: await exited, stderr: '' }).toEqual({ code: 0, stderr: '' });
        expect(events.filter((event) => event.kind === 'lead')).toHaveLength(40);
        expect(events.find((event) => event.kind === 'resumed')).toMatchObject({ afterLead: 34 });
        expect(events.at(-1)).toMatchObject({ kind: 'summary', summary: { processed: 40, failed: 0 } });
      } finally {
        rmSync(cliHome, { recursive: true, force: true });
      }
    },
    RUN_TIMEOUT_MS,
  );
});

/** Runs a command to its end; resolves with its exit code and output whatever the code. */
function execFileStatus(file: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }): Promise<{ code: number; stdout: string; stderr: string }> {
  return promisify(execFile)(file, args, { ...options, maxBuffer: 64 * 1024 * 1024, timeout: RUN_TIMEOUT_MS - 10_000 }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code?: number; stdout?: string; stderr?: string; message: string }) => ({ code: typeof error.code === 'number' ? error.code : -1, stdout: error.stdout ?? '', stderr: error.stderr || error.message }),
  );
}

/**
 * Whether any TCP socket on local `port` holds bytes the process has not read: a listening
 * socket's accept queue or a connection's receive queue (/proc/net/tcp's rx_queue column, hex).
 */
function bytesQueuedOnPort(port: number): boolean {
  const portHex = port.toString(16).toUpperCase().padStart(4, '0');
  return ['/proc/net/tcp', '/proc/net/tcp6']
    .filter((file) => existsSync(file))
    .flatMap((file) => readFileSync(file, 'utf8').trim().split('\n').slice(1))
    .map((line) => line.trim().split(/\s+/))
    .some(([, local, , , queues]) => local?.endsWith(`:${portHex}`) && parseInt(queues?.split(':')[1] ?? '0', 16) > 0);
}
