/**
 * `npm run bench:control-plane`: what operating agents costs, each figure against a baseline
 * measured in the same run on this machine. Prints; asserts nothing (shared, noisy machines).
 *
 * 1. Process target: deploy-to-healthy (a new version: validate, build, register, start, health
 *    gate, switch) and rollback (an earlier version, health-gated) vs the floor of any process
 *    deploy: spawning a bare Node HTTP server until it answers.
 * 2. Docker target (when an engine and the local base image are there): the same, vs the floor
 *    of any container deploy: creating and starting a container of the base image running a
 *    bare Node HTTP server until it answers on its published port.
 * 3. Telemetry (bench/control-plane-telemetry.ts): ingest events/s into SQLite and the fleet
 *    summary for 1,000 agents.
 *
 * Seed targets: deploy ≤ 90 s, rollback ≤ 30 s. Our goals: ≤ 2 s on the process target, ≤ 5 s on
 * Docker with a cached base image.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Dockerode from 'dockerode';
import { openControlPlane } from '../src-main/core/control-plane';
import type { ControlPlane } from '../src-main/core/control-plane';
import type { TargetKind } from '../src-main/core/contracts';
import { generateMasterKey, StaticKeyProvider } from '../src-main/core/vault';
import { benchTelemetry } from './control-plane-telemetry';
import { minimalDockfile } from '../src-main/core/control-plane-test-support';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const BASE_NODE_IMAGE = process.env.AGENTDOCK_BASE_IMAGE_NODE ?? 'agentdock/base-node:22';
const SERVER_SOURCE = "require('node:http').createServer((q, s) => s.end('ok')).listen(Number(process.env.PORT), process.env.HOST, () => {});";

const DOCKFILE = minimalDockfile('bench-agent');

interface Row {
  name: string;
  value: number;
  unit: string;
  baseline?: { name: string; value: number };
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;

async function waitForOk(url: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if ((await fetch(url, { signal: AbortSignal.timeout(1000) })).ok) return;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) throw new Error(`${url} did not answer in ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A bare Node HTTP server process, spawned until it answers: the floor under any process deploy. */
async function bareProcessStart(port: number): Promise<number> {
  const started = performance.now();
  const child = spawn(process.execPath, ['-e', SERVER_SOURCE], { env: { PORT: String(port), HOST: '127.0.0.1' }, stdio: 'ignore' });
  try {
    await waitForOk(`http://127.0.0.1:${port}/`);
    return performance.now() - started;
  } finally {
    child.kill('SIGKILL');
  }
}

/** A container of the base image running a bare Node HTTP server, until it answers: the floor under any Docker deploy. */
async function bareContainerStart(docker: Dockerode, port: number): Promise<number> {
  const started = performance.now();
  const container = await docker.createContainer({
    Image: BASE_NODE_IMAGE,
    Cmd: ['node', '-e', SERVER_SOURCE],
    Env: ['PORT=8080', 'HOST=0.0.0.0'],
    ExposedPorts: { '8080/tcp': {} },
    HostConfig: { PortBindings: { '8080/tcp': [{ HostIp: '127.0.0.1', HostPort: String(port) }] }, AutoRemove: false },
    Labels: { 'dev.agentdock.bench': 'true' },
  });
  try {
    await container.start();
    await waitForOk(`http://127.0.0.1:${port}/`);
    return performance.now() - started;
  } finally {
    await container.remove({ force: true });
  }
}

/** Deploys v1, then RUNS × (a new version, a rollback to v1), timing each to healthy. */
async function deployCycle(plane: ControlPlane, project: string, target: TargetKind): Promise<{ firstDeploy: number; deploys: number[]; rollbacks: number[] }> {
  const write = (reply: string): void => writeFileSync(path.join(project, 'agent.mjs'), `export async function run(input) { return { reply: ${JSON.stringify(reply)} }; }\n`);
  const options = { target, actor: 'bench', healthTimeoutMs: 120_000 };
  write('v1');
  let started = performance.now();
  await plane.controller().deploy(project, options);
  const firstDeploy = performance.now() - started;
  const deploys: number[] = [];
  const rollbacks: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    write(`change ${run} ${Date.now()}`);
    started = performance.now();
    await plane.controller().deploy(project, options);
    deploys.push(performance.now() - started);
    started = performance.now();
    await plane.controller().rollback('bench-agent', 'v1', options);
    rollbacks.push(performance.now() - started);
  }
  return { firstDeploy, deploys, rollbacks };
}

async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

async function benchTarget(target: TargetKind, baseline: () => Promise<number>): Promise<Row[]> {
  const home = mkdtempSync(path.join(tmpdir(), `agentdock-bench-cp-${target}-`));
  const project = path.join(home, 'project');
  mkdirSync(project);
  writeFileSync(path.join(project, 'Dockfile.yaml'), DOCKFILE);
  const plane = openControlPlane({ dataDir: path.join(home, 'data'), env: { ...process.env, AGENTDOCK_BASE_IMAGE_NODE: BASE_NODE_IMAGE }, keyProvider: new StaticKeyProvider(generateMasterKey()) });
  try {
    const floors: number[] = [];
    for (let run = 0; run < RUNS; run++) floors.push(await baseline());
    const floor = { name: target === 'process' ? 'bare node server spawn → answering' : 'bare container create+start → answering', value: median(floors) };
    const cycle = await deployCycle(plane, project, target);
    return [
      { name: `${target}: first deploy to healthy (incl. ${target === 'docker' ? 'image build' : 'bundle build'})`, value: cycle.firstDeploy, unit: 'ms', baseline: floor },
      { name: `${target}: deploy of a changed version to healthy (median of ${RUNS})`, value: median(cycle.deploys), unit: 'ms', baseline: floor },
      { name: `${target}: rollback to healthy (median of ${RUNS})`, value: median(cycle.rollbacks), unit: 'ms', baseline: floor },
    ];
  } finally {
    for (const deployment of plane.repositories.deployments.list()) await plane.targets[deployment.targetKind]?.delete(deployment.id).catch(() => undefined);
    if (target === 'docker') {
      const docker = new Dockerode();
      for (const image of await docker.listImages({ filters: { label: ['dev.agentdock.agent=bench-agent'] } })) await docker.getImage(image.Id).remove({ force: true }).catch(() => undefined);
    }
    await plane.close();
    rmSync(home, { recursive: true, force: true });
  }
}

async function dockerReady(): Promise<Dockerode | undefined> {
  if (!process.env.DOCKER_HOST && !existsSync('/var/run/docker.sock')) return undefined;
  const docker = new Dockerode();
  try {
    await docker.ping();
    await docker.getImage(BASE_NODE_IMAGE).inspect();
    return docker;
  } catch {
    return undefined;
  }
}

function print(rows: Row[]): void {
  for (const row of rows) {
    const value = row.unit === 'ms' ? `${row.value.toFixed(0)} ms` : `${row.value.toFixed(row.value < 10 ? 2 : 0)} ${row.unit}`;
    const ratio = row.baseline ? `  (baseline ${row.baseline.name}: ${row.baseline.value.toFixed(row.baseline.value < 10 ? 2 : 0)}${row.unit === 'ms' ? ' ms' : ` ${row.unit}`}; ratio ×${(row.value / row.baseline.value).toFixed(2)})` : '';
    console.log(`  ${row.name.padEnd(66)} ${value.padStart(12)}${ratio}`);
  }
}

async function main(): Promise<void> {
  console.log(`AgentDock control-plane bench — ${RUNS} runs per figure, node ${process.version}`);
  console.log('\nProcess target (goal ≤ 2 s deploy; seed ≤ 90 s deploy, ≤ 30 s rollback)');
  print(await benchTarget('process', async () => bareProcessStart(await freePort())));
  const docker = await dockerReady();
  console.log('\nDocker target (goal ≤ 5 s with a cached base image)');
  if (docker) print(await benchTarget('docker', async () => bareContainerStart(docker, await freePort())));
  else console.log(`  skipped: no Docker engine or no ${BASE_NODE_IMAGE} image (bash scripts/ensure-docker.sh && bash scripts/make-base-image.sh)`);
  console.log('\nTelemetry');
  print(await benchTelemetry());
}

await main();
