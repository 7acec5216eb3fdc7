/**
 * Agent health from replica readiness (seed 000 §2.2): ≥ 80 % of replicas ready is healthy,
 * ≥ 50 % degraded, below that unhealthy; no replicas wanted is `stopped`. The same rule for every
 * target, so the console shows one meaning of "healthy".
 */

import type { ReplicaStatus } from '../contracts';

/** `suspended`: every replica frozen by the operator; `stopped`: none wanted or all stopped on purpose. */
export type AgentHealth = 'healthy' | 'degraded' | 'unhealthy' | 'stopped' | 'suspended';

/** Classifies readiness: `ready` of `wanted` replicas. */
export function classifyHealth(ready: number, wanted: number): AgentHealth {
  if (wanted <= 0) return 'stopped';
  const ratio = Math.max(0, Math.min(ready, wanted)) / wanted;
  if (ratio >= 0.8) return 'healthy';
  if (ratio >= 0.5) return 'degraded';
  return 'unhealthy';
}

/**
 * Health of a deployment from its replicas' live states: an operator's stop or suspend of every
 * replica is reported as such, not as an outage; otherwise running replicas count as ready.
 */
export function deploymentHealth(replicas: readonly Pick<ReplicaStatus, 'state'>[], wanted: number): AgentHealth {
  if (replicas.length > 0 && replicas.every((replica) => replica.state === 'suspended')) return 'suspended';
  if (replicas.length > 0 && replicas.every((replica) => replica.state === 'stopped')) return 'stopped';
  return classifyHealth(replicas.filter((replica) => replica.state === 'running').length, wanted);
}

export interface HealthTransition {
  key: string;
  from: AgentHealth | undefined;
  to: AgentHealth;
  ready: number;
  wanted: number;
}

/** Remembers the last health per key and reports only changes (no event spam on every probe). */
export class HealthTracker {
  private readonly last = new Map<string, AgentHealth>();

  /** Records an observation (`to`: the health when already classified, e.g. by deploymentHealth); returns the transition when it changed. */
  observe(key: string, ready: number, wanted: number, to: AgentHealth = classifyHealth(ready, wanted)): HealthTransition | undefined {
    const from = this.last.get(key);
    if (from === to) return undefined;
    this.last.set(key, to);
    return { key, from, to, ready, wanted };
  }

  /** Forgets a key (the deployment is gone). */
  forget(key: string): void {
    this.last.delete(key);
  }
}
