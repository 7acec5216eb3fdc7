// The Docker target against the real engine (scripts/ensure-docker.sh) with an image built from a
// real bundle (the bundled runtime + a JS agent) on the locally made base image. Traffic goes only
// to 127.0.0.1 and to containers this test creates.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import Dockerode from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateApiKey } from '../../../runtime/auth/api-keys';
import type { TestBundle } from '../../../runtime/test-bundle';
import { buildImage } from '../../build/docker-image';
import type { BuildArtifact, DeploymentSpec, DeploymentStatus, LogLine } from '../../contracts';
import { shortId } from '../deployment-identity';
import { DockerTarget } from './docker-target';
import { ensureDockerAndBaseImages, LOCAL_BASE_NODE, LOCAL_BASE_PYTHON, waitForOk, writeAgentBundle, writeConfigBundle } from './docker-test-support';

const docker = new Dockerode();
const run = randomBytes(4).toString('hex');
const dirs: string[] = [];
const extraContainers: string[] = [];
let artifact: BuildArtifact;
let config: TestBundle;
let stateDir: string;
let target: DockerTarget;

const json = { 'content-type': 'application/json' };
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function spec(deploymentId: string, trust: DeploymentSpec['trust'], replicas = 1): DeploymentSpec {
  return { deploymentId, agent: artifact.agent, resourceName: artifact.resourceName, version: 'v1', artifact, configDir: config.dir, replicas, trust, port: 8080 };
}

let developerKey: string;

async function invoke(endpoint: string, question: string, apiKey = developerKey): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${endpoint}/invoke`, { method: 'POST', headers: { ...json, 'x-api-key': apiKey }, body: JSON.stringify({ question }), signal: AbortSignal.timeout(10_000) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** Polls the target's status until `accept` holds for it (or fails with the last status seen). */
async function waitForStatus(deploymentId: string, accept: (status: DeploymentStatus) => boolean, timeoutMs = 60_000): Promise<DeploymentStatus> {
  const deadline = Date.now() + timeoutMs;
  let last: DeploymentStatus | undefined;
  while (Date.now() < deadline) {
    last = await target.status(deploymentId);
    if (last && accept(last)) return last;
    await sleep(200);
  }
  throw new Error(`status never matched: ${JSON.stringify(last)}`);
}

/** Runs a command in a container; resolves with its exit code and output. */
async function execIn(containerId: string, cmd: string[]): Promise<{ exitCode: number; output: string }> {
  const exec = await docker.getContainer(containerId).exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true });
  const stream = await exec.start({ hijack: true, stdin: false });
  const sink = new PassThrough();
  const chunks: Buffer[] = [];
  sink.on('data', (chunk: Buffer) => chunks.push(chunk));
  docker.modem.demuxStream(stream, sink, sink);
  await new Promise((resolve) => stream.on('end', resolve));
  return { exitCode: (await exec.inspect()).ExitCode ?? -1, output: Buffer.concat(chunks).toString('utf8') };
}

/** A node one-liner that tries a TCP connection and prints connected / the error code / timeout. */
const tryConnect = (host: string, port: number): string[] => [
  'node',
  '-e',
  `const s=require('node:net').connect(${port},'${host}');s.on('connect',()=>{console.log('connected');process.exit(0)});s.on('error',e=>{console.log(e.code);process.exit(2)});setTimeout(()=>{console.log('timeout');process.exit(3)},3000)`,
];

async function agentContainer(deploymentId: string, replica = 0): Promise<Dockerode.ContainerInspectInfo> {
  const [info] = await docker.listContainers({ all: true, filters: { label: [`dev.agentdock.deployment=${deploymentId}`, 'dev.agentdock.role=agent', `dev.agentdock.replica=${replica}`] } });
  if (!info) throw new Error(`no agent container for ${deploymentId}`);
  return docker.getContainer(info.Id).inspect();
}

beforeAll(async () => {
  ensureDockerAndBaseImages();
  artifact = await writeAgentBundle({ agent: `docker-target-${run}` });
  dirs.push(artifact.bundleDir);
  artifact.image = await buildImage(docker, artifact, { baseImage: LOCAL_BASE_NODE, tag: `agentdock-test/target-${run}:v1` });
  config = await writeConfigBundle();
  developerKey = config.keys.developer!.raw;
  dirs.push(config.dir);
  stateDir = mkdtempSync(path.join(tmpdir(), 'agentdock-docker-state-'));
  dirs.push(stateDir);
  target = new DockerTarget({ docker, stateDir, stopTimeoutSeconds: 5 });
}, 600_000);

afterAll(async () => {
  for (const id of [`std-${run}`, `untrusted-${run}`, `python-${run}`]) await target?.delete(id).catch(() => undefined);
  await target?.dispose();
  for (const id of extraContainers) await docker.getContainer(id).remove({ force: true }).catch(() => undefined);
  if (artifact?.image) await docker.getImage(artifact.image.ref).remove({ force: true }).catch(() => undefined);
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  const leftovers = await docker.listContainers({ all: true, filters: { label: ['dev.agentdock.managed=true'] } });
  expect(leftovers.filter((info) => (info.Labels['dev.agentdock.agent'] ?? '').endsWith(run))).toEqual([]);
}, 120_000);

describe('DockerTarget, STANDARD trust', () => {
  const id = `std-${run}`;
  let endpoint: string;

  it('deploys a hardened replica that answers /ready and /invoke on a 127.0.0.1 port', async () => {
    const status = await target.deploy(spec(id, 'STANDARD'));
    expect(status.replicas).toHaveLength(1);
    // Deploy is idempotent: the same spec again keeps the same container.
    expect((await target.deploy(spec(id, 'STANDARD'))).replicas.map((replica) => replica.handle)).toEqual([status.replicas[0]!.handle]);
    endpoint = status.replicas[0]!.endpoint!;
    expect(endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await waitForOk(`${endpoint}/ready`)).toBe(200);
    const { status: code, body } = await invoke(endpoint, 'hello');
    expect(code).toBe(200);
    expect(body).toMatchObject({ answer: 'echo: hello', uid: 10001 });

    const info = await agentContainer(id);
    expect(info.Config.User).toBe('10001:10001');
    expect(info.HostConfig.CapDrop).toEqual(['ALL']);
    expect(info.HostConfig.SecurityOpt).toEqual(['no-new-privileges']);
    expect(info.HostConfig.ReadonlyRootfs).toBe(true);
    expect(info.HostConfig.Tmpfs).toEqual({ '/tmp': 'rw,noexec,nosuid,nodev,size=64m' });
    expect(info.HostConfig).toMatchObject({ NanoCpus: 1e9, Memory: 512 * 1024 * 1024, PidsLimit: 256, RestartPolicy: { Name: 'on-failure', MaximumRetryCount: 5 } });
    // Published on loopback only, nowhere else.
    expect(info.NetworkSettings.Ports).toEqual({ '8080/tcp': [{ HostIp: '127.0.0.1', HostPort: new URL(endpoint).port }] });
    expect(info.Mounts).toEqual([expect.objectContaining({ Type: 'volume', Destination: '/etc/agentdock', RW: false })]);
    // STANDARD: a bridge network of its own, not the default bridge.
    expect(Object.keys(info.NetworkSettings.Networks)).toEqual([`agentdock-${artifact.resourceName}-${shortId(id)}`]);
    expect((await docker.getNetwork(info.HostConfig.NetworkMode!).inspect()).Internal).toBe(false);
  }, 120_000);

  it('cannot write its root filesystem or its config, and holds the secrets as uid 10001 only', async () => {
    const info = await agentContainer(id);
    const attempt = (file: string): string[] => ['node', '-e', `try{require('node:fs').writeFileSync('${file}','x');console.log('wrote')}catch(e){console.log(e.code)}`];
    expect((await execIn(info.Id, attempt('/app/agent/evil.mjs'))).output.trim()).toBe('EROFS');
    expect((await execIn(info.Id, attempt('/etc/agentdock/keys.json'))).output.trim()).toMatch(/^(EROFS|EACCES)$/);
    expect((await execIn(info.Id, attempt('/tmp/scratch'))).output.trim()).toBe('wrote');
    const modes = await execIn(info.Id, ['node', '-e', "const fs=require('node:fs');for(const f of ['secrets.json','keys.json']){const s=fs.statSync('/etc/agentdock/'+f);console.log(f,(s.mode&0o777).toString(8),s.uid)}"]);
    expect(modes.output).toContain('secrets.json 400 10001');
    expect(modes.output).toContain('keys.json 444 10001');
  }, 60_000);

  it('suspends (pause) and resumes (unpause)', async () => {
    await target.suspend(id);
    expect((await target.status(id))!.replicas[0]!.state).toBe('suspended');
    await expect(fetch(`${endpoint}/ready`, { signal: AbortSignal.timeout(1_000) })).rejects.toThrow();
    await target.resume(id);
    expect((await target.status(id))!.replicas[0]!.state).toBe('running');
    expect(await waitForOk(`${endpoint}/ready`)).toBe(200);
  }, 60_000);

  it('reloads rotated keys with SIGUSR1, and a crash after a reload is still restarted on the same port', async () => {
    const rotated = generateApiKey();
    config.writeKeys([{ id: 'key-rotated', hash: rotated.hash, role: 'developer' }]);
    await target.reload(id);
    const deadline = Date.now() + 20_000;
    while ((await invoke(endpoint, 'rotated?', rotated.raw)).status !== 200 && Date.now() < deadline) await sleep(200);
    expect((await invoke(endpoint, 'rotated?', rotated.raw)).status).toBe(200);
    expect((await invoke(endpoint, 'old key?')).status).toBe(401);
    developerKey = rotated.raw;
    expect((await target.status(id))!.replicas[0]!.restarts).toBe(0);

    // A log follower opened before the crash keeps following the restarted replica.
    const followed: LogLine[] = [];
    const follow = target.logs(id, { tail: 0, follow: true }, (line) => followed.push(line));
    await sleep(300);
    // Kill the runtime process itself (a crash, not `docker kill`, which counts as a stop).
    const before = await agentContainer(id);
    process.kill(before.State.Pid, 'SIGKILL');
    const after = await waitForStatus(id, (status) => status.replicas[0]?.state === 'running' && status.replicas[0].restarts >= 1);
    expect(after.replicas[0]!.endpoint).toBe(endpoint);
    expect(await waitForOk(`${endpoint}/ready`)).toBe(200);
    expect((await invoke(endpoint, 'back?')).body).toMatchObject({ answer: 'echo: back?' });
    const seen = Date.now() + 10_000;
    while (!followed.some((line) => line.line.includes('back?')) && Date.now() < seen) await sleep(100);
    follow.dispose();
    expect(followed.filter((line) => line.line.includes('runtime listening'))).toHaveLength(1);
    expect(followed.some((line) => line.line.includes('back?'))).toBe(true);
  }, 120_000);

  it('reads logs (tail) and follows new lines, demultiplexed per stream', async () => {
    const tail: LogLine[] = [];
    target.logs(id, { tail: 200 }, (line) => tail.push(line));
    const deadline = Date.now() + 10_000;
    while (!tail.some((line) => line.line.includes('runtime listening')) && Date.now() < deadline) await sleep(100);
    const listening = tail.find((line) => line.line.includes('runtime listening'))!;
    expect(listening).toMatchObject({ stream: 'stdout', replica: `agentdock-${artifact.resourceName}-${shortId(id)}-0` });
    expect(Number.isNaN(Date.parse(listening.time))).toBe(false);

    const followed: LogLine[] = [];
    const follow = target.logs(id, { tail: 0, follow: true }, (line) => followed.push(line));
    await sleep(500);
    const question = `follow-${run}`;
    expect((await invoke(endpoint, question)).status).toBe(200);
    while (!followed.some((line) => line.line.includes(question)) && Date.now() < deadline + 10_000) await sleep(100);
    follow.dispose();
    expect(followed.some((line) => line.line.includes(question))).toBe(true);
    expect(followed.every((line) => !line.line.includes('runtime listening'))).toBe(true);
  }, 60_000);

  it('is found again by a new target instance, which can scale it', async () => {
    const fresh = new DockerTarget({ docker, stateDir, stopTimeoutSeconds: 5 });
    expect(await fresh.discover()).toContainEqual({ deploymentId: id, agent: artifact.agent, version: 'v1' });
    const scaled = await fresh.scale(id, 2);
    expect(scaled.replicas.map((replica) => replica.id)).toEqual([0, 1].map((n) => `agentdock-${artifact.resourceName}-${shortId(id)}-${n}`));
    const second = scaled.replicas[1]!.endpoint!;
    expect(second).not.toBe(endpoint);
    expect(await waitForOk(`${second}/ready`)).toBe(200);
    expect((await fresh.scale(id, 1)).replicas).toHaveLength(1);
    await fresh.dispose();
  }, 120_000);

  it('stops gracefully and starts again on the same endpoint', async () => {
    await target.stop(id);
    expect((await target.status(id))!.replicas[0]).toMatchObject({ state: 'stopped' });
    await expect(fetch(`${endpoint}/ready`, { signal: AbortSignal.timeout(1_000) })).rejects.toThrow();
    await target.start(id);
    const status = await waitForStatus(id, (s) => s.replicas[0]?.state === 'running');
    expect(status.replicas[0]!.endpoint).toBe(endpoint);
    expect(await waitForOk(`${endpoint}/ready`)).toBe(200);
  }, 60_000);
});

describe('DockerTarget, UNTRUSTED trust', () => {
  const id = `untrusted-${run}`;

  it('runs on an internal network without egress, reachable from the host only through its gateway', async () => {
    // A container on the default bridge, standing in for "somewhere outside".
    const probe = await docker.createContainer({
      Image: LOCAL_BASE_NODE,
      Cmd: ['node', '-e', "require('node:http').createServer((q,s)=>s.end('probe')).listen(8080)"],
      Labels: { 'agentdock-test': run },
      HostConfig: { NetworkMode: 'bridge' },
    });
    extraContainers.push(probe.id);
    await probe.start();
    const probeIp = (await probe.inspect()).NetworkSettings.Networks.bridge!.IPAddress;

    const status = await target.deploy(spec(id, 'UNTRUSTED'));
    const endpoint = status.replicas[0]!.endpoint!;
    expect(endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await waitForOk(`${endpoint}/ready`)).toBe(200);
    expect((await invoke(endpoint, 'isolated')).body).toMatchObject({ answer: 'echo: isolated', uid: 10001 });

    const agent = await agentContainer(id);
    const networks = Object.keys(agent.NetworkSettings.Networks);
    expect(networks).toEqual([`agentdock-${artifact.resourceName}-${shortId(id)}-internal`]);
    expect((await docker.getNetwork(networks[0]!).inspect()).Internal).toBe(true);
    expect(agent.HostConfig.PortBindings ?? {}).toEqual({});

    const [gatewayInfo] = await docker.listContainers({ filters: { label: [`dev.agentdock.deployment=${id}`, 'dev.agentdock.role=gateway'] } });
    // The probe is reachable from the bridge (control), but not from the isolated agent.
    expect((await execIn(gatewayInfo!.Id, tryConnect(probeIp, 8080))).output.trim()).toBe('connected');
    expect((await execIn(agent.Id, tryConnect(probeIp, 8080))).output.trim()).not.toBe('connected');
  }, 120_000);

  it('delete removes exactly the deployment’s containers, network and volume', async () => {
    const unrelated = await docker.createContainer({ Image: LOCAL_BASE_NODE, Cmd: ['node', '-e', 'setInterval(()=>{},1e6)'], Labels: { 'agentdock-test': run, 'dev.agentdock.deployment': 'someone-else' } });
    extraContainers.push(unrelated.id);
    await unrelated.start();
    const standardBefore = await docker.listContainers({ all: true, filters: { label: [`dev.agentdock.deployment=std-${run}`] } });

    await target.delete(id);
    const label = { label: [`dev.agentdock.deployment=${id}`] };
    expect(await docker.listContainers({ all: true, filters: label })).toEqual([]);
    expect(await docker.listNetworks({ filters: label })).toEqual([]);
    expect((await docker.listVolumes({ filters: label })).Volumes ?? []).toEqual([]);
    expect(await target.status(id)).toBeUndefined();
    expect((await unrelated.inspect()).State.Running).toBe(true);
    const standardAfter = await docker.listContainers({ all: true, filters: { label: [`dev.agentdock.deployment=std-${run}`] } });
    expect(standardAfter.map((info) => info.Id).sort()).toEqual(standardBefore.map((info) => info.Id).sort());
  }, 120_000);
});

describe('DockerTarget, TRUSTED trust, Python agent', () => {
  it('runs a Python agent on the python base image, on the default bridge with a writable root', async () => {
    const id = `python-${run}`;
    const python = await writeAgentBundle({ agent: `docker-python-${run}`, language: 'python' });
    dirs.push(python.bundleDir);
    python.image = await buildImage(docker, python, { baseImage: LOCAL_BASE_PYTHON, tag: `agentdock-test/python-${run}:v1` });
    const pythonConfig = await writeConfigBundle({ language: 'python' });
    dirs.push(pythonConfig.dir);
    try {
      const status = await target.deploy({ ...spec(id, 'TRUSTED'), agent: python.agent, resourceName: python.resourceName, artifact: python, configDir: pythonConfig.dir });
      const endpoint = status.replicas[0]!.endpoint!;
      expect(await waitForOk(`${endpoint}/ready`)).toBe(200);
      const response = await invoke(endpoint, 'from python', pythonConfig.keys.developer!.raw);
      expect(response).toMatchObject({ status: 200, body: { answer: 'echo: from python', uid: 10001 } });
      const info = await agentContainer(id);
      expect(info.HostConfig.NetworkMode).toBe('bridge');
      expect(info.HostConfig.ReadonlyRootfs).toBe(false);
      expect(info.HostConfig.CapDrop).toEqual(['ALL']);
    } finally {
      await target.delete(id);
      await docker.getImage(python.image.ref).remove({ force: true }).catch(() => undefined);
    }
  }, 180_000);
});

describe('DockerTarget, CONFIDENTIAL trust', () => {
  it('refuses to run without a confidential runtime, creating nothing', async () => {
    const id = `confidential-${run}`;
    await expect(target.deploy(spec(id, 'CONFIDENTIAL'))).rejects.toMatchObject({ code: 'E2021', message: expect.stringMatching(/confidential-computing runtime/) });
    expect(await docker.listContainers({ all: true, filters: { label: [`dev.agentdock.deployment=${id}`] } })).toEqual([]);
    expect(await target.status(id)).toBeUndefined();
  });
});
