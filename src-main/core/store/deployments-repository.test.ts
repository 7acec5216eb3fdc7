import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AgentsRepository } from './agents-repository';
import { DeploymentsRepository } from './deployments-repository';
import type { NewDeployment } from './deployments-repository';
import { tempDatabase } from './test-support';
import type { TempDatabase } from './test-support';
import { VersionsRepository } from './versions-repository';

let temp: TempDatabase;
let deployments: DeploymentsRepository;
let agentId: string;
let v1: string;
let v2: string;

beforeEach(() => {
  temp = tempDatabase();
  deployments = new DeploymentsRepository(temp.db);
  agentId = new AgentsRepository(temp.db).create('doc').id;
  const versions = new VersionsRepository(temp.db);
  const make = (n: number) => versions.createOrGet({ agentId, dockfileYaml: '', spec: {}, contentHash: String(n).repeat(64), runtimeVersion: '0.1.0', createdBy: 't' }).version.id;
  v1 = make(1);
  v2 = make(2);
});
afterEach(() => temp.cleanup());

const deploy = (versionId: string, extra: Partial<NewDeployment> = {}) =>
  deployments.create({ agentId, versionId, targetKind: 'docker', targetRef: 'default', environment: 'prod', replicas: 2, trust: 'STANDARD', createdBy: 'ann', ...extra });

describe('DeploymentsRepository', () => {
  it('records progress and clears fields with null', () => {
    const deployment = deploy(v1);
    expect(deployment).toMatchObject({ status: 'pending', replicas: 2, targetRef: 'default', environment: 'prod' });
    temp.clock.advance(1000);
    const starting = deployments.update(deployment.id, { status: 'starting', endpoint: 'http://127.0.0.1:4100', error: 'slow' });
    expect(starting).toMatchObject({ status: 'starting', endpoint: 'http://127.0.0.1:4100', error: 'slow' });
    expect(starting.updatedAt > deployment.updatedAt).toBe(true);
    expect(deployments.update(deployment.id, { error: null }).error).toBeUndefined();
    expect(deployments.inFlight().map((each) => each.id)).toEqual([deployment.id]);
  });

  it('switches the active deployment in one step and remembers what to roll back to', () => {
    const blue = deploy(v1);
    expect(deployments.activate(blue.id).previous).toBeUndefined();
    temp.clock.advance(1000);
    const green = deploy(v2);
    const { deployment, previous } = deployments.activate(green.id);
    expect(deployment).toMatchObject({ id: green.id, status: 'active' });
    expect(previous).toMatchObject({ id: blue.id, status: 'superseded' });
    expect(deployments.active(agentId, 'docker', 'default')?.id).toBe(green.id);
    expect(deployments.lastActivated(agentId, 'docker', 'default', green.id)?.versionId).toBe(v1);
    expect(deployments.list({ agentId, states: ['active', 'superseded'] }).map((each) => each.status)).toEqual(['active', 'superseded']);
  });

  it('keeps targets apart and refuses a second active row on one target', () => {
    const docker = deploy(v1);
    const process = deploy(v1, { targetKind: 'process', targetRef: '' });
    deployments.activate(docker.id);
    deployments.activate(process.id);
    expect(deployments.active(agentId, 'docker', 'default')?.id).toBe(docker.id);
    expect(deployments.active(agentId, 'process')?.id).toBe(process.id);
    expect(() => deploy(v2, { status: 'active' })).toThrow(expect.objectContaining({ code: 'E2005' }));
    expect(() => deployments.update(docker.id, { status: 'active' })).toThrow(expect.objectContaining({ code: 'E2023' }));
  });

  it('refuses to revive a deleted deployment', () => {
    const deployment = deploy(v1);
    deployments.update(deployment.id, { status: 'deleted' });
    expect(() => deployments.update(deployment.id, { status: 'starting' })).toThrow(expect.objectContaining({ code: 'E2023' }));
    expect(() => deployments.activate(deployment.id)).toThrow(expect.objectContaining({ code: 'E2023' }));
  });
});
