// Child process for the reconcile tests: opens the control plane on a data dir (as `agentdock
// deploy` would) and deploys a project, freezing at a chosen point so the test can kill -9 it
// there — or leave it frozen, as a live process with a deploy in progress. Prints
// "paused <point>" when frozen and "done <result JSON>" when the deploy finished.
//
// usage: crash-deployer <data dir> <project dir> <target> <pause point|none> [idempotency key]
// pause points: step:<deploy step>, progress:<text in a target progress message>,
//               target:deployed (the target started the replicas), target:delete (about to remove
//               the superseded deployment, after the switch)
// env: AGENTDOCK_MASTER_KEY (the vault), AGENTDOCK_BASE_IMAGE_NODE (Docker base image)
import { writeSync } from 'node:fs';
import type { Target, TargetKind } from '../../contracts';
import { openControlPlane } from '../../control-plane';

const [dataDir, projectDir, targetKind, pauseAt = 'none', idempotencyKey] = process.argv.slice(2);
if (!dataDir || !projectDir || !targetKind) throw new Error('usage: crash-deployer <data dir> <project dir> <target> <pause point|none> [idempotency key]');

/** Blocks this process for good (until it is killed): the deploy stops exactly here. */
function freezeAt(point: string): void {
  if (point !== pauseAt) return;
  writeSync(1, `paused ${point}\n`);
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
}

/** The real target, with pause points around the calls the controller makes. */
function withPausePoints(target: Target): Target {
  return new Proxy(target, {
    get(inner, property, receiver) {
      const value: unknown = Reflect.get(inner, property, receiver);
      if (typeof value !== 'function') return value;
      const bound = (value as (...args: unknown[]) => unknown).bind(inner);
      if (property === 'deploy') {
        return async (...args: unknown[]) => {
          const status = await bound(...args);
          freezeAt('target:deployed');
          return status;
        };
      }
      if (property === 'delete') {
        return (...args: unknown[]) => {
          freezeAt('target:delete');
          return bound(...args);
        };
      }
      return bound;
    },
  });
}

const plane = openControlPlane({ dataDir, env: process.env, runtimeVersion: 'test' });
const kind = targetKind as TargetKind;
const real = plane.targets[kind];
if (!real) throw new Error(`no ${kind} target here`);
plane.targets[kind] = withPausePoints(real);

const result = await plane.controller().deploy(projectDir, {
  target: kind,
  actor: 'crash-deployer',
  env: { JWT_SECRET: 'test-only-jwt-secret-0123456789' },
  healthTimeoutMs: 60_000,
  ...(idempotencyKey ? { idempotencyKey } : {}),
  onStep: (step) => freezeAt(`step:${step.step}`),
  onProgress: (event) => {
    if (pauseAt.startsWith('progress:') && event.message.includes(pauseAt.slice('progress:'.length))) freezeAt(pauseAt);
  },
});
writeSync(1, `done ${JSON.stringify(result)}\n`);
await plane.close();
