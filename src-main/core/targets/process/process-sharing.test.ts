// Several control planes on one data dir (the app adopted a deployment, a CLI deletes it) and the
// leftovers of a control plane killed mid-deploy: real processes, real run files.
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findMarkedProcesses, replicaMarkers } from './process-probe';
import { ProcessTarget } from './process-target';
import { alive, testDeployment, useProcessTargetFixture, waitFor } from './process-test-support';
import type { ReplicaEvent } from './replica-supervisor';

const fixture = useProcessTargetFixture();

function newTarget(stateDir: string, events?: ReplicaEvent[]): ProcessTarget {
  const target = fixture.track(new ProcessTarget({ stateDir, livenessPollMs: 50, stopGraceMs: 5000, restartPolicy: { initialDelayMs: 20 } }));
  if (events) target.onEvent((event) => events.push(event));
  return target;
}

describe('ProcessTarget shared by several control planes', () => {
  it('a replica another control plane adopted is not brought back after this one deletes the deployment', async () => {
    const stateDir = path.join(fixture.root, 'shared');
    const cli = newTarget(stateDir);
    const spec = testDeployment(fixture.bundle, fixture.config);
    const pid = Number((await cli.deploy(spec)).replicas[0]?.handle);
    const appEvents: ReplicaEvent[] = [];
    const app = newTarget(stateDir, appEvents);
    await app.discover(); // the app adopts (and supervises) the CLI's replica

    await cli.delete(spec.deploymentId);
    // The app notices the process is gone, as it would a crash, but finds it was deleted, not crashed.
    await waitFor('the app to see the replica stop', () => appEvents.find((event) => event.state === 'stopped'));
    expect(alive(pid)).toBe(false);
    expect(appEvents.filter((event) => event.state === 'starting')).toEqual([]);
    expect(await findMarkedProcesses(spec.deploymentId)).toEqual([]);
    expect(existsSync(path.join(stateDir, spec.deploymentId))).toBe(false);
  }, 60_000);

  it('delete kills replica processes that no run file names (spawned just before a kill -9 of the control plane)', async () => {
    // A process carrying the markers of a replica, as spawnReplica starts it, but never recorded.
    const runtime = path.join(fixture.root, 'fake-bundle', 'runtime', 'agentdock-runtime.js');
    mkdirSync(path.dirname(runtime), { recursive: true });
    writeFileSync(runtime, 'setInterval(() => {}, 1000);\n');
    const spawnMarked = (deploymentId: string): number => {
      const child = spawn(process.execPath, [runtime, ...replicaMarkers(deploymentId, 'replica-0')], { detached: true, stdio: 'ignore' });
      child.unref();
      fixture.pids.add(child.pid as number);
      return child.pid as number;
    };
    const stray = spawnMarked('dep_stray');
    const other = spawnMarked('dep_other');
    await waitFor('the markers to be visible', async () => (await findMarkedProcesses('dep_stray')).length === 1);
    expect(await findMarkedProcesses('dep_stray')).toEqual([stray]);

    const target = newTarget(path.join(fixture.root, 'strays'));
    await target.delete('dep_stray');
    expect(alive(stray)).toBe(false);
    expect(alive(other)).toBe(true); // another deployment's process is not touched
    expect(await findMarkedProcesses('dep_stray')).toEqual([]);
  }, 30_000);
});
