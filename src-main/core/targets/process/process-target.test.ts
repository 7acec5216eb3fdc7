// The process target with real processes: the real bundled runtime serving a real agent bundle,
// real signals, real log files. Every process a test starts is killed in afterEach.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { LogLine } from '../../contracts';
import { ProcessTarget } from './process-target';
import type { ProcessTargetOptions } from './process-target';
import { alive, buildTestBundle, testDeployment, useProcessTargetFixture, waitFor, writeConfigDir } from './process-test-support';
import type { ReplicaEvent } from './replica-supervisor';

const fixture = useProcessTargetFixture();

function newTarget(options: Partial<ProcessTargetOptions> = {}): { target: ProcessTarget; events: ReplicaEvent[]; stateDir: string } {
  const stateDir = options.stateDir ?? path.join(fixture.root, `state-${Math.random().toString(36).slice(2, 8)}`);
  const target = fixture.track(new ProcessTarget({ stateDir, livenessPollMs: 100, stopGraceMs: 5000, ...options }));
  const events: ReplicaEvent[] = [];
  target.onEvent((event) => events.push(event));
  return { target, events, stateDir };
}

async function invoke(endpoint: string, key: string, text: string, timeoutMs = 10_000): Promise<Response> {
  return fetch(`${endpoint}/invoke`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': key },
    body: JSON.stringify({ text }),
    signal: AbortSignal.timeout(timeoutMs),
  });
}

async function ready(endpoint: string): Promise<boolean> {
  return waitFor(`${endpoint}/ready`, async () => (await fetch(`${endpoint}/ready`).catch(() => undefined))?.status === 200);
}

async function replicaStatus(target: ProcessTarget, deploymentId: string, replica: string) {
  const status = await target.status(deploymentId);
  const found = status?.replicas.find((entry) => entry.id === replica);
  if (!found) throw new Error(`no ${replica} in ${JSON.stringify(status)}`);
  return found;
}

describe('ProcessTarget', () => {
  it('deploys two replicas on loopback ports that answer /ready and /invoke', async () => {
    const { target, stateDir } = newTarget();
    process.env.AGENTDOCK_TEST_CONTROL_PLANE_ONLY = 'must-not-reach-replicas';
    const spec = testDeployment(fixture.bundle, fixture.config, { replicas: 2 });
    const status = await target.deploy(spec);
    delete process.env.AGENTDOCK_TEST_CONTROL_PLANE_ONLY;
    expect(status.replicas.map((replica) => [replica.id, replica.state])).toEqual([
      ['replica-0', 'running'],
      ['replica-1', 'running'],
    ]);
    const endpoints = status.replicas.map((replica) => replica.endpoint as string);
    expect(new Set(endpoints).size).toBe(2);
    for (const [index, endpoint] of endpoints.entries()) {
      expect(endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      await ready(endpoint);
      const response = await invoke(endpoint, fixture.config.key, `hello ${index}`);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ echo: `hello ${index}`, pid: Number(status.replicas[index]?.handle) });
    }
    const run = JSON.parse(readFileSync(path.join(stateDir, spec.deploymentId, 'replica-0.json'), 'utf8'));
    expect(run).toMatchObject({ replica: 'replica-0', pid: Number(status.replicas[0]?.handle), endpoint: endpoints[0], bundleHash: fixture.bundle.contentHash, restarts: 0 });
    // The replica gets a minimal environment, not the control plane's.
    const environ = readFileSync(`/proc/${run.pid}/environ`, 'utf8').split('\0');
    expect(environ).toContain('AGENTDOCK_HOST=127.0.0.1');
    expect(environ).toContain(`AGENTDOCK_CONFIG_DIR=${fixture.config.dir}`);
    expect(environ.some((entry) => entry.startsWith('AGENTDOCK_TEST_CONTROL_PLANE_ONLY'))).toBe(false);
    await target.delete(spec.deploymentId);
  }, 60_000);

  it('brings a replica killed with SIGKILL back with a new pid, at the same endpoint, and counts the restart', async () => {
    const { target, events } = newTarget();
    const spec = testDeployment(fixture.bundle, fixture.config);
    const before = (await target.deploy(spec)).replicas[0];
    await ready(before?.endpoint as string);
    const oldPid = Number(before?.handle);
    process.kill(oldPid, 'SIGKILL');
    // The promise: back within 5 s (first restart after 250 ms).
    const after = await waitFor('the replica to come back', async () => {
      const replica = await replicaStatus(target, spec.deploymentId, 'replica-0');
      return replica.state === 'running' && replica.handle !== undefined && Number(replica.handle) !== oldPid ? replica : undefined;
    }, 5000);
    expect(after.restarts).toBe(1);
    // Callers (and the deployment's stored endpoint) keep the URL they had.
    expect(after.endpoint).toBe(before?.endpoint);
    expect(events).toContainEqual(expect.objectContaining({ replica: 'replica-0', state: 'exited', signal: 'SIGKILL', restartInMs: 250 }));
    await ready(after.endpoint as string);
    const response = await invoke(after.endpoint as string, fixture.config.key, 'again');
    expect(await response.json()).toEqual({ echo: 'again', pid: Number(after.handle) });
    expect(alive(oldPid)).toBe(false);
    await target.delete(spec.deploymentId);
  }, 60_000);

  it('ends in crashed after maxRestarts when the agent exits at every start', async () => {
    const broken = await buildTestBundle(fixture.root, { name: 'broken_agent', source: 'process.exit(3);\nexport async function run() { return {}; }\n' });
    const brokenConfig = writeConfigDir(fixture.root, broken);
    const { target, events } = newTarget({ restartPolicy: { initialDelayMs: 20, maxDelayMs: 40, maxRestarts: 2 } });
    const spec = testDeployment(broken, brokenConfig);
    await target.deploy(spec);
    const crashed = await waitFor('crashed', async () => {
      const replica = await replicaStatus(target, spec.deploymentId, 'replica-0');
      return replica.state === 'crashed' ? replica : undefined;
    });
    expect(crashed.restarts).toBe(2);
    expect(crashed.lastError).toMatch(/^exited with code 3/);
    expect(crashed.handle).toBeUndefined();
    // Whether the runtime logs "listening" before the agent's import kills it is a race: ignore `running`.
    const statesFrom = (start: number): string[] =>
      events.slice(start).filter((event) => event.deploymentId === spec.deploymentId && event.state !== 'running').map((event) => event.state);
    expect(statesFrom(0)).toEqual(['starting', 'exited', 'starting', 'exited', 'starting', 'crashed']);
    // An operator's start tries again from a clean slate: the full allowance of restarts.
    const mark = events.length;
    await target.start(spec.deploymentId);
    await waitFor('crashed again', () => statesFrom(mark).includes('crashed'));
    expect(statesFrom(mark)).toEqual(['starting', 'exited', 'starting', 'exited', 'starting', 'crashed']);
    expect((await replicaStatus(target, spec.deploymentId, 'replica-0')).restarts).toBe(4);
    await target.delete(spec.deploymentId);
  }, 60_000);

  it('reports why the runtime could not start', async () => {
    const badConfig = writeConfigDir(fixture.root, fixture.bundle);
    writeFileSync(path.join(badConfig.dir, 'runtime.json'), JSON.stringify({ agentVersion: 'v1', projectDir: 'relative/path', language: 'javascript' }));
    const { target } = newTarget({ restartPolicy: { initialDelayMs: 20, maxDelayMs: 40, maxRestarts: 1 } });
    const spec = testDeployment(fixture.bundle, badConfig);
    await target.deploy(spec);
    const crashed = await waitFor('crashed', async () => {
      const replica = await replicaStatus(target, spec.deploymentId, 'replica-0');
      return replica.state === 'crashed' ? replica : undefined;
    });
    expect(crashed.lastError).toMatch(/^exited with code 1: runtime failed to start: .*projectDir/);
    await target.delete(spec.deploymentId);
  }, 60_000);

  it('stops gracefully (SIGTERM, exit code 0) and starts again', async () => {
    const { target, events, stateDir } = newTarget();
    const spec = testDeployment(fixture.bundle, fixture.config);
    const pid = Number((await target.deploy(spec)).replicas[0]?.handle);
    await target.stop(spec.deploymentId);
    expect(events.at(-1)).toMatchObject({ replica: 'replica-0', state: 'stopped', exitCode: 0, signal: null });
    expect(alive(pid)).toBe(false);
    expect(existsSync(path.join(stateDir, spec.deploymentId, 'replica-0.json'))).toBe(false);
    expect((await replicaStatus(target, spec.deploymentId, 'replica-0')).state).toBe('stopped');
    await target.stop(spec.deploymentId); // idempotent
    await target.start(spec.deploymentId);
    const restarted = await replicaStatus(target, spec.deploymentId, 'replica-0');
    expect(restarted.state).toBe('running');
    expect(Number(restarted.handle)).not.toBe(pid);
    expect(restarted.restarts).toBe(0); // an operator's start is not a crash restart
    await ready(restarted.endpoint as string);
    await target.delete(spec.deploymentId);
  }, 60_000);

  it('suspends with SIGSTOP (requests hang) and resumes with SIGCONT (they answer)', async () => {
    const { target } = newTarget();
    const spec = testDeployment(fixture.bundle, fixture.config);
    const replica = (await target.deploy(spec)).replicas[0];
    const endpoint = replica?.endpoint as string;
    await ready(endpoint);
    await target.suspend(spec.deploymentId);
    expect((await replicaStatus(target, spec.deploymentId, 'replica-0')).state).toBe('suspended');
    // Signal delivery is asynchronous: the kernel marks the process stopped shortly after kill().
    await waitFor('the process to be stopped', () => /\) T /.test(readFileSync(`/proc/${replica?.handle}/stat`, 'utf8')));
    await expect(invoke(endpoint, fixture.config.key, 'while suspended', 300)).rejects.toThrow(/timeout|aborted/i);
    await target.resume(spec.deploymentId);
    expect((await replicaStatus(target, spec.deploymentId, 'replica-0')).state).toBe('running');
    expect((await invoke(endpoint, fixture.config.key, 'resumed')).status).toBe(200);
    await target.delete(spec.deploymentId);
  }, 60_000);

  it('scales 2 → 1 → 3', async () => {
    const { target, stateDir } = newTarget();
    const spec = testDeployment(fixture.bundle, fixture.config, { replicas: 2 });
    const two = await target.deploy(spec);
    const removedPid = Number(two.replicas[1]?.handle);
    const one = await target.scale(spec.deploymentId, 1);
    expect(one.replicas.map((replica) => replica.id)).toEqual(['replica-0']);
    expect(alive(removedPid)).toBe(false);
    expect(readdirSync(path.join(stateDir, spec.deploymentId)).filter((name) => name.startsWith('replica-1'))).toEqual([]);
    expect(one.replicas[0]?.handle).toBe(two.replicas[0]?.handle);
    const three = await target.scale(spec.deploymentId, 3);
    expect(three.replicas.map((replica) => [replica.id, replica.state])).toEqual([
      ['replica-0', 'running'],
      ['replica-1', 'running'],
      ['replica-2', 'running'],
    ]);
    for (const replica of three.replicas) {
      await ready(replica.endpoint as string);
      expect((await invoke(replica.endpoint as string, fixture.config.key, replica.id)).status).toBe(200);
    }
    expect(JSON.parse(readFileSync(path.join(stateDir, spec.deploymentId, 'deployment.json'), 'utf8')).replicas).toBe(3);
    await target.delete(spec.deploymentId);
  }, 60_000);

  it('replays the log tail and follows new lines until disposed', async () => {
    const { target, stateDir } = newTarget();
    const spec = testDeployment(fixture.bundle, fixture.config, { replicas: 2 });
    await target.deploy(spec);
    const tail: LogLine[] = [];
    target.logs(spec.deploymentId, { tail: 1000 }, (line) => tail.push(line)).dispose();
    const listening = tail.filter((line) => line.line.includes('"msg":"runtime listening"'));
    expect(listening.map((line) => line.replica).sort()).toEqual(['replica-0', 'replica-1']);
    expect(listening[0]).toMatchObject({ stream: 'stdout', time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
    const lastTwo: LogLine[] = [];
    target.logs(spec.deploymentId, { tail: 2 }, (line) => lastTwo.push(line)).dispose();
    expect(lastTwo).toEqual(tail.slice(-2));

    const followed: LogLine[] = [];
    const follow = target.logs(spec.deploymentId, { tail: 0, follow: true }, (line) => followed.push(line));
    expect(followed).toEqual([]);
    await target.restart(spec.deploymentId);
    await waitFor('new listening lines', () => followed.filter((line) => line.line.includes('runtime listening')).length === 2);
    follow.dispose();
    // The same lines are in the replica's log file.
    expect(readFileSync(path.join(stateDir, spec.deploymentId, 'replica-1.log'), 'utf8').match(/runtime listening/g)).toHaveLength(2);
    await target.delete(spec.deploymentId);
  }, 60_000);

  it('reload sends SIGUSR1: the runtime re-reads keys.json, so a rotated key works without a restart', async () => {
    const ownConfig = writeConfigDir(fixture.root, fixture.bundle);
    const { target } = newTarget();
    const spec = testDeployment(fixture.bundle, ownConfig);
    const replica = (await target.deploy(spec)).replicas[0];
    const endpoint = replica?.endpoint as string;
    await ready(endpoint);
    const reloads = (): number => {
      let count = 0;
      target.logs(spec.deploymentId, {}, (line) => (count += line.line.includes('reloaded keys and secrets') ? 1 : 0)).dispose();
      return count;
    };
    const before = reloads();
    // No file changed: only the signal can make the runtime reload now.
    await target.reload(spec.deploymentId);
    await waitFor('a reload logged after SIGUSR1', () => reloads() > before);
    const oldKey = ownConfig.key;
    const newKey = ownConfig.rotateKey();
    await target.reload(spec.deploymentId);
    await waitFor('the new key to work', async () => (await invoke(endpoint, newKey, 'new key')).status === 200);
    expect((await invoke(endpoint, oldKey, 'old key')).status).toBe(401);
    expect((await replicaStatus(target, spec.deploymentId, 'replica-0')).handle).toBe(replica?.handle);
    await target.delete(spec.deploymentId);
  }, 60_000);

  it('a new ProcessTarget on the same stateDir adopts live replicas, cleans dead ones and supervises', async () => {
    const first = newTarget();
    const spec = testDeployment(fixture.bundle, fixture.config, { replicas: 2 });
    const deployed = await first.target.deploy(spec);
    const [pid0, pid1] = deployed.replicas.map((replica) => Number(replica.handle));
    await first.target.dispose();
    expect(alive(pid0 as number) && alive(pid1 as number)).toBe(true); // replicas outlive their supervisor
    process.kill(pid1 as number, 'SIGKILL'); // dies while nobody supervises
    await waitFor('replica-1 to be gone', () => !alive(pid1 as number));

    const second = newTarget({ stateDir: first.stateDir });
    expect(await second.target.discover()).toEqual([{ deploymentId: spec.deploymentId, agent: 'echo_agent', version: 'v1' }]);
    const adopted = await second.target.status(spec.deploymentId);
    expect(adopted?.replicas[0]).toMatchObject({ state: 'running', handle: String(pid0), endpoint: deployed.replicas[0]?.endpoint });
    expect(adopted?.replicas[1]).toMatchObject({ state: 'stopped' });
    expect(existsSync(path.join(first.stateDir, spec.deploymentId, 'replica-1.json'))).toBe(false);
    // The log history came along from the files.
    const history: LogLine[] = [];
    second.target.logs(spec.deploymentId, {}, (line) => history.push(line)).dispose();
    expect(history.some((line) => line.replica === 'replica-0' && line.line.includes('runtime listening'))).toBe(true);

    // The adopted replica is supervised: killed, it comes back.
    process.kill(pid0 as number, 'SIGKILL');
    const back = await waitFor('the adopted replica to come back', async () => {
      const replica = await replicaStatus(second.target, spec.deploymentId, 'replica-0');
      return replica.state === 'running' && replica.handle !== undefined && Number(replica.handle) !== pid0 ? replica : undefined;
    }, 5000);
    await ready(back.endpoint as string);
    await second.target.start(spec.deploymentId);
    expect((await replicaStatus(second.target, spec.deploymentId, 'replica-1')).state).toBe('running');
    await second.target.delete(spec.deploymentId);
  }, 60_000);

  it('delete leaves no process and no run files, and nothing else is touched', async () => {
    const { target, stateDir } = newTarget();
    const spec = testDeployment(fixture.bundle, fixture.config, { replicas: 2 });
    const pids = (await target.deploy(spec)).replicas.map((replica) => Number(replica.handle));
    await target.suspend(spec.deploymentId); // a stopped process must still go
    await target.delete(spec.deploymentId);
    for (const pid of pids) expect(alive(pid)).toBe(false);
    expect(existsSync(path.join(stateDir, spec.deploymentId))).toBe(false);
    expect(await target.status(spec.deploymentId)).toBeUndefined();
    expect(await target.discover()).toEqual([]);
    expect(existsSync(path.join(fixture.bundle.bundleDir, 'manifest.json'))).toBe(true);
    expect(existsSync(path.join(fixture.config.dir, 'keys.json'))).toBe(true);
    await target.delete(spec.deploymentId); // idempotent
  }, 60_000);

  it('refuses operations on unknown deployments and ids that cannot name a directory', async () => {
    const { target } = newTarget();
    await expect(target.stop('missing')).rejects.toMatchObject({ code: 'E2023', message: expect.stringContaining('no deployment missing') });
    await expect(target.deploy(testDeployment(fixture.bundle, fixture.config, { deploymentId: '../escape' }))).rejects.toMatchObject({ code: 'E2023' });
    await expect(target.deploy(testDeployment(fixture.bundle, fixture.config, { configDir: path.join(fixture.root, 'nowhere') }))).rejects.toMatchObject({ code: 'E2021' });
  });
});
