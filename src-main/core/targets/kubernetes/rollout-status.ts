/**
 * Reading Kubernetes status the way `kubectl rollout status` and the console need it, as pure
 * functions of the objects (unit-tested without a cluster): is a Deployment's rollout done,
 * still going, or failed; what state is a pod's replica in; and why a pod is not ready, in words.
 */
import type { V1Deployment, V1Pod } from '@kubernetes/client-node';
import type { ReplicaState, ReplicaStatus } from '../../contracts';

export type RolloutState = { done: true } | { done: false; failed: false; waiting: string } | { done: false; failed: true; reason: string };

/**
 * Whether the rollout of `generation` (the generation our apply produced) is complete, as kubectl
 * decides it — with one difference: replicas that are all updated and available count as done even
 * when the Progressing condition still says ProgressDeadlineExceeded. The controller keeps that
 * reason from a failed rollout until a later one makes progress, so right after re-applying the
 * last good version (whose ReplicaSet still exists) kubectl would report the old failure.
 */
export function rolloutState(deployment: V1Deployment, generation: number): RolloutState {
  const status = deployment.status ?? {};
  if ((status.observedGeneration ?? 0) < generation) return { done: false, failed: false, waiting: 'waiting for the Deployment controller to see the new spec' };
  const wanted = deployment.spec?.replicas ?? 1;
  const updated = status.updatedReplicas ?? 0;
  const waiting =
    updated < wanted
      ? `${updated} of ${wanted} new replicas updated`
      : (status.replicas ?? 0) > updated
        ? `${(status.replicas ?? 0) - updated} old replica(s) pending termination`
        : (status.availableReplicas ?? 0) < updated
          ? `${status.availableReplicas ?? 0} of ${updated} updated replicas available`
          : undefined;
  if (waiting === undefined) return { done: true };
  const progressing = status.conditions?.find((c) => c.type === 'Progressing');
  if (progressing?.reason === 'ProgressDeadlineExceeded') return { done: false, failed: true, reason: progressing.message ?? 'progress deadline exceeded' };
  return { done: false, failed: false, waiting };
}

function ready(pod: V1Pod): boolean {
  return pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

/** Why a pod is not running and ready, in the cluster's own words (Unschedulable, ImagePullBackOff, CrashLoopBackOff…). */
export function podProblem(pod: V1Pod): string | undefined {
  const unscheduled = pod.status?.conditions?.find((c) => c.type === 'PodScheduled' && c.status === 'False');
  if (unscheduled) return `${unscheduled.reason ?? 'Unschedulable'}: ${unscheduled.message ?? 'no node fits the pod'}`;
  for (const container of [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])]) {
    const waiting = container.state?.waiting;
    if (waiting?.reason && waiting.reason !== 'ContainerCreating' && waiting.reason !== 'PodInitializing') return `${waiting.reason}${waiting.message ? `: ${waiting.message}` : ''}`;
    const terminated = container.lastState?.terminated ?? container.state?.terminated;
    if (terminated && terminated.exitCode !== 0) return `exited with code ${terminated.exitCode}${terminated.reason ? ` (${terminated.reason})` : ''}`;
  }
  if (pod.status?.phase === 'Failed') return pod.status.message ?? pod.status.reason ?? 'the pod failed';
  return undefined;
}

function replicaState(pod: V1Pod): ReplicaState {
  if (pod.metadata?.deletionTimestamp) return 'stopped';
  switch (pod.status?.phase) {
    case 'Running':
      if (ready(pod)) return 'running';
      return pod.status.containerStatuses?.some((c) => c.state?.waiting?.reason === 'CrashLoopBackOff') ? 'crashed' : 'starting';
    case 'Succeeded':
      return 'exited';
    case 'Failed':
      return 'crashed';
    default:
      return podProblem(pod) && /BackOff|ErrImage|Invalid/.test(podProblem(pod) ?? '') ? 'crashed' : 'starting';
  }
}

/** A pod as one replica of a deployment. No endpoint: pods are reached through the API server, not loopback. */
export function podReplica(pod: V1Pod): ReplicaStatus {
  const restarts = (pod.status?.containerStatuses ?? []).reduce((sum, c) => sum + (c.restartCount ?? 0), 0);
  const problem = podProblem(pod);
  const started = pod.status?.startTime;
  return {
    id: pod.metadata?.name ?? 'pod',
    state: replicaState(pod),
    restarts,
    handle: `${pod.metadata?.namespace ?? ''}/${pod.metadata?.name ?? ''}`,
    ...(started ? { startedAt: new Date(started).toISOString() } : {}),
    ...(problem ? { lastError: problem } : {}),
  };
}
