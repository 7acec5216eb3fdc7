// What each trust level and option becomes in the objects, checked without a cluster; the
// integration tests (kubernetes-target.test.ts) prove the API server accepts and runs them.
import { describe, expect, it } from 'vitest';
import type { TrustLevel } from '../../contracts';
import { configObjectName, configObjects, deploymentObject, deploymentObjects, networkPolicyObject } from './manifests';
import type { KubeDeploymentState } from './manifests';

const base: KubeDeploymentState = {
  deploymentId: '0f3c9a7e-1b2d-4c5e-8f90-123456789abc',
  agent: 'lead_gen',
  resourceName: 'lead-gen',
  version: 'v4',
  contentHash: 'a'.repeat(64),
  context: 'prod',
  namespace: 'agents',
  image: 'registry.example/agentdock/lead-gen:aaaaaaaaaaaa',
  imagePullPolicy: 'IfNotPresent',
  replicas: 3,
  configDir: '/data/deployments/x/config',
  trust: 'STANDARD',
  port: 8080,
  progressDeadlineSeconds: 600,
  desired: 'running',
  home: 'h0me',
  updatedAt: '2026-11-21T00:00:00.000Z',
};

type Spec = { replicas?: number; template: { metadata: { annotations: Record<string, string> }; spec: { runtimeClassName?: string; imagePullSecrets?: unknown; containers: { securityContext: { readOnlyRootFilesystem: boolean } }[] } } };

describe('manifests', () => {
  it('names per-deployment config objects within the 63-character limit, unique per deployment', () => {
    expect(configObjectName(base)).toBe('lead-gen-0f3c9a7e1b2d');
    const long = configObjectName({ resourceName: 'a'.repeat(63), deploymentId: base.deploymentId });
    expect(long.length).toBeLessThanOrEqual(63);
    expect(configObjectName({ ...base, deploymentId: 'ffff' })).not.toBe(configObjectName(base));
  });

  it('puts credentials in the Secret and the rest in the ConfigMap', () => {
    const [configMap, secret] = configObjects(base, { 'spec.json': '{}', 'runtime.json': '{}', 'keys.json': '[]', 'secrets.json': '{"A":"b"}', 'budget.json': '{}' });
    expect(Object.keys(configMap!.data as object).sort()).toEqual(['budget.json', 'runtime.json', 'spec.json']);
    expect(Object.keys(secret!.stringData as object).sort()).toEqual(['keys.json', 'secrets.json']);
  });

  it('stopped and suspended scale to zero; an autoscaled running agent leaves replicas to its HPA', () => {
    expect((deploymentObject(base).spec as Spec).replicas).toBe(3);
    expect((deploymentObject({ ...base, desired: 'stopped' }).spec as Spec).replicas).toBe(0);
    expect((deploymentObject({ ...base, desired: 'suspended' }).spec as Spec).replicas).toBe(0);
    const autoscaled = { ...base, autoscale: { minReplicas: 2, maxReplicas: 6 } };
    expect('replicas' in (deploymentObject(autoscaled).spec as Spec)).toBe(false);
    expect((deploymentObject({ ...autoscaled, desired: 'stopped' }).spec as Spec).replicas).toBe(0);
    expect(deploymentObjects(autoscaled, {}).map((o) => o.kind)).toContain('HorizontalPodAutoscaler');
    expect(deploymentObjects(base, {}).map((o) => o.kind)).not.toContain('HorizontalPodAutoscaler');
  });

  it('a restart changes only the pod template annotation (a new ReplicaSet), a runtime class and pull secret appear when set', () => {
    const restarted = deploymentObject({ ...base, restartedAt: '2026-11-21T10:00:00Z' }).spec as Spec;
    expect(restarted.template.metadata.annotations['agentdock.dev/restarted-at']).toBe('2026-11-21T10:00:00Z');
    const sandboxed = deploymentObject({ ...base, runtimeClassName: 'gvisor', imagePullSecret: 'agentdock-registry-1' }).spec as Spec;
    expect(sandboxed.template.spec.runtimeClassName).toBe('gvisor');
    expect(sandboxed.template.spec.imagePullSecrets).toEqual([{ name: 'agentdock-registry-1' }]);
    expect((deploymentObject(base).spec as Spec).template.spec.runtimeClassName).toBeUndefined();
  });

  it('only TRUSTED gets a writable root filesystem', () => {
    for (const trust of ['STANDARD', 'UNTRUSTED', 'CONFIDENTIAL'] as TrustLevel[]) {
      expect((deploymentObject({ ...base, trust }).spec as Spec).template.spec.containers[0]!.securityContext.readOnlyRootFilesystem).toBe(true);
    }
    expect((deploymentObject({ ...base, trust: 'TRUSTED' }).spec as Spec).template.spec.containers[0]!.securityContext.readOnlyRootFilesystem).toBe(false);
  });

  it('network policy by trust: TRUSTED open, STANDARD DNS + public internet only, UNTRUSTED and CONFIDENTIAL no egress', () => {
    type Policy = { ingress: unknown[]; egress: { to?: { ipBlock?: { cidr: string; except: string[] } }[] }[] };
    expect(networkPolicyObject({ ...base, trust: 'TRUSTED' }).spec).toMatchObject({ ingress: [{}], egress: [{}] });
    const standard = networkPolicyObject(base).spec as Policy;
    expect(standard.ingress).toEqual([{ ports: [{ protocol: 'TCP', port: 8080 }] }]);
    const internet = standard.egress.find((rule) => rule.to?.[0]?.ipBlock)!.to![0]!.ipBlock!;
    expect(internet.cidr).toBe('0.0.0.0/0');
    expect(internet.except).toEqual(expect.arrayContaining(['10.0.0.0/8', '169.254.0.0/16']));
    for (const trust of ['UNTRUSTED', 'CONFIDENTIAL'] as TrustLevel[]) expect((networkPolicyObject({ ...base, trust }).spec as Policy).egress).toEqual([]);
  });

  it('labels tie every object to agent, version, deployment and data dir', () => {
    for (const object of deploymentObjects(base, { 'spec.json': '{}' })) {
      expect(object.metadata.labels).toMatchObject({ 'agentdock.dev/agent': 'lead-gen', 'agentdock.dev/deployment': base.deploymentId, 'app.kubernetes.io/version': 'v4', 'agentdock.dev/home': 'h0me', 'app.kubernetes.io/managed-by': 'agentdock' });
      expect(object.metadata.annotations).toMatchObject({ 'agentdock.dev/agent-name': 'lead_gen', 'agentdock.dev/content-hash': 'a'.repeat(64) });
      expect(object.metadata.namespace).toBe('agents');
    }
  });
});
