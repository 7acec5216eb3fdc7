import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AgentsRepository } from './agents-repository';
import { DeploymentsRepository } from './deployments-repository';
import { deploymentResource, idempotencyResource } from './operation-owners-repository';
import { tempDatabase } from './test-support';
import type { TempDatabase } from './test-support';
import { VersionsRepository } from './versions-repository';

let temp: TempDatabase;
let deployments: DeploymentsRepository;
let agentId: string;
let versionId: string;
const app = { pid: 100, host: 'laptop', startToken: 'boot:1' };
const cli = { pid: 200, host: 'laptop', startToken: 'boot:2' };

beforeEach(() => {
  temp = tempDatabase();
  deployments = new DeploymentsRepository(temp.db);
  agentId = new AgentsRepository(temp.db).create('doc').id;
  versionId = new VersionsRepository(temp.db).createOrGet({ agentId, dockfileYaml: '', spec: {}, contentHash: 'a'.repeat(64), runtimeVersion: '0.1.0', createdBy: 't' }).version.id;
});
afterEach(() => temp.cleanup());

describe('operation owners', () => {
  it('a deployment created with an owner has it from the same transaction; a failed insert leaves no owner', () => {
    const deployment = deployments.create({ agentId, versionId, targetKind: 'process', environment: 'dev', replicas: 1, trust: 'STANDARD', createdBy: 't', status: 'starting', owner: cli });
    expect(deployments.owners.list(deploymentResource(deployment.id))).toMatchObject([{ ...cli, resource: `deployment:${deployment.id}` }]);
    expect(() => deployments.create({ agentId, versionId: 'ver_missing', targetKind: 'process', environment: 'dev', replicas: 1, trust: 'STANDARD', createdBy: 't', owner: app })).toThrow();
    expect(deployments.owners.all().map((row) => row.pid)).toEqual([cli.pid]);
  });

  it('heartbeats refresh only the owner’s rows; release removes only its own', () => {
    const key = idempotencyResource('deploy', 'ci-1');
    deployments.owners.claim(key, app);
    deployments.owners.claim(key, cli);
    const before = deployments.owners.list(key);
    temp.clock.advance(15_000);
    deployments.owners.heartbeat(cli, [key]);
    const after = deployments.owners.list(key);
    expect(after.find((row) => row.pid === cli.pid)!.heartbeatAt > before.find((row) => row.pid === cli.pid)!.heartbeatAt).toBe(true);
    expect(after.find((row) => row.pid === app.pid)!.heartbeatAt).toBe(before.find((row) => row.pid === app.pid)!.heartbeatAt);
    deployments.owners.release(key, { ...cli, startToken: 'boot:other' }); // a later process with the same pid
    expect(deployments.owners.list(key)).toHaveLength(2);
    deployments.owners.release(key, cli);
    expect(deployments.owners.list(key).map((row) => row.pid)).toEqual([app.pid]);
  });

  it('takeOver succeeds once: a second reconcile that judged the same dead owner finds it changed', () => {
    const resource = deploymentResource('dep_x');
    deployments.owners.claim(resource, cli);
    const judged = deployments.owners.list(resource);
    expect(deployments.owners.takeOver(resource, judged, app)).toBe(true);
    expect(deployments.owners.takeOver(resource, judged, { pid: 300, host: 'laptop', startToken: 'boot:3' })).toBe(false);
    expect(deployments.owners.list(resource)).toMatchObject([app]);
    // No owner at all (written by an older AgentDock): taking over an empty set works too.
    expect(deployments.owners.takeOver(deploymentResource('dep_legacy'), [], app)).toBe(true);
  });
});
