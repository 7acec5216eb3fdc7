// kubectl's rollout rules and pod reasons, on the objects the API server returns.
import type { V1Deployment, V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { agentObjectMatcher } from './kubernetes-target';
import { podProblem, podReplica, rolloutState } from './rollout-status';

function deployment(status: V1Deployment['status'], replicas = 2): V1Deployment {
  return { metadata: { generation: 3 }, spec: { replicas, selector: {}, template: {} }, status };
}

describe('rolloutState', () => {
  it('waits for the controller to observe the new generation, then for updated, old-gone and available replicas', () => {
    expect(rolloutState(deployment({ observedGeneration: 2 }), 3)).toMatchObject({ done: false, failed: false, waiting: expect.stringMatching(/see the new spec/) });
    expect(rolloutState(deployment({ observedGeneration: 3, updatedReplicas: 1, replicas: 3 }), 3)).toMatchObject({ waiting: '1 of 2 new replicas updated' });
    expect(rolloutState(deployment({ observedGeneration: 3, updatedReplicas: 2, replicas: 3 }), 3)).toMatchObject({ waiting: '1 old replica(s) pending termination' });
    expect(rolloutState(deployment({ observedGeneration: 3, updatedReplicas: 2, replicas: 2, availableReplicas: 1 }), 3)).toMatchObject({ waiting: '1 of 2 updated replicas available' });
    expect(rolloutState(deployment({ observedGeneration: 3, updatedReplicas: 2, replicas: 2, availableReplicas: 2 }), 3)).toEqual({ done: true });
  });

  it('fails on ProgressDeadlineExceeded with the controller message', () => {
    const status = { observedGeneration: 3, conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: 'ReplicaSet "a-1" has timed out progressing.' }] };
    expect(rolloutState(deployment(status), 3)).toEqual({ done: false, failed: true, reason: 'ReplicaSet "a-1" has timed out progressing.' });
  });

  it("a complete rollout is done even while the previous rollout's ProgressDeadlineExceeded is still on the Deployment", () => {
    const stale = [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: 'ReplicaSet "a-2" has timed out progressing.' }];
    expect(rolloutState(deployment({ observedGeneration: 3, updatedReplicas: 2, replicas: 2, availableReplicas: 2, conditions: stale }), 3)).toEqual({ done: true });
  });

  it('a deployment scaled to zero is done once the old pods are gone', () => {
    expect(rolloutState(deployment({ observedGeneration: 3, replicas: 0 }, 0), 3)).toEqual({ done: true });
  });
});

describe('pods as replicas', () => {
  const pod = (status: V1Pod['status'], deleting = false): V1Pod => ({ metadata: { name: 'a-1', namespace: 'ns', ...(deleting ? { deletionTimestamp: new Date() } : {}) }, status });

  it('maps phase and readiness to replica states', () => {
    expect(podReplica(pod({ phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] })).state).toBe('running');
    expect(podReplica(pod({ phase: 'Running', conditions: [{ type: 'Ready', status: 'False' }] })).state).toBe('starting');
    expect(podReplica(pod({ phase: 'Running', containerStatuses: [{ name: 'runtime', image: 'i', imageID: '', ready: false, restartCount: 4, state: { waiting: { reason: 'CrashLoopBackOff' } } }] })).state).toBe('crashed');
    expect(podReplica(pod({ phase: 'Pending', containerStatuses: [{ name: 'runtime', image: 'i', imageID: '', ready: false, restartCount: 0, state: { waiting: { reason: 'ImagePullBackOff', message: 'pull access denied' } } }] }))).toMatchObject({ state: 'crashed', lastError: 'ImagePullBackOff: pull access denied' });
    expect(podReplica(pod({ phase: 'Running' }, true)).state).toBe('stopped');
    expect(podReplica(pod({ phase: 'Failed', message: 'evicted' })).state).toBe('crashed');
    expect(podReplica(pod({ phase: 'Succeeded' })).state).toBe('exited');
  });

  it('explains an unscheduled pod in the scheduler words, and counts restarts', () => {
    const unscheduled = pod({ phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/2 nodes are available: 2 Insufficient cpu.' }] });
    expect(podProblem(unscheduled)).toBe('Unschedulable: 0/2 nodes are available: 2 Insufficient cpu.');
    expect(podReplica(unscheduled).state).toBe('starting');
    const restarted = pod({ phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }], containerStatuses: [{ name: 'runtime', image: 'i', imageID: '', ready: true, restartCount: 2, lastState: { terminated: { exitCode: 137, reason: 'OOMKilled' } } }] });
    expect(podReplica(restarted)).toMatchObject({ restarts: 2, lastError: 'exited with code 137 (OOMKilled)', handle: 'ns/a-1' });
  });
});

describe('agentObjectMatcher', () => {
  it("takes the agent's own objects by shape, not another agent's that shares its prefix", () => {
    const isLead = agentObjectMatcher('lead');
    expect(isLead('Deployment', 'lead')).toBe(true);
    expect(isLead('HorizontalPodAutoscaler', 'lead')).toBe(true);
    expect(isLead('ReplicaSet', 'lead-7f5b7bb457')).toBe(true);
    expect(isLead('Pod', 'lead-7f5b7bb457-x2x9q')).toBe(true);
    expect(isLead('Deployment', 'lead-gen')).toBe(false);
    expect(isLead('ReplicaSet', 'lead-gen-7f5b7bb457')).toBe(false);
    expect(isLead('Pod', 'lead-gen-7f5b7bb457-x2x9q')).toBe(false);
    expect(isLead('Pod', undefined)).toBe(false);
  });
});
