/**
 * Concurrency limits for control-plane operations (seed 003): at most `perAgent` operations on one
 * agent, `perNamespace` in one namespace (a Kubernetes namespace, or the target for process and
 * Docker), and `total` overall. Over a limit the caller gets E2006 at once with the counts, rather
 * than a queue that hides a stuck deploy.
 */
import { CoreError } from '../contracts';

export interface ConcurrencyLimitsOptions {
  total?: number;
  perNamespace?: number;
  perAgent?: number;
}

/** Counts operations in flight; `acquire` returns the release function. */
export class ConcurrencyLimits {
  private readonly limits: Required<ConcurrencyLimitsOptions>;
  private total = 0;
  private readonly byAgent = new Map<string, number>();
  private readonly byNamespace = new Map<string, number>();

  constructor(options: ConcurrencyLimitsOptions = {}) {
    this.limits = { total: options.total ?? 100, perNamespace: options.perNamespace ?? 10, perAgent: options.perAgent ?? 5 };
  }

  /** Takes a slot for an operation on `agent` in `namespace`, or throws E2006. */
  acquire(agent: string, namespace: string): () => void {
    const agentCount = this.byAgent.get(agent) ?? 0;
    const namespaceCount = this.byNamespace.get(namespace) ?? 0;
    if (agentCount >= this.limits.perAgent) throw this.refuse(`${agentCount} operations on agent ${agent} are already running (limit ${this.limits.perAgent})`);
    if (namespaceCount >= this.limits.perNamespace) throw this.refuse(`${namespaceCount} operations in namespace ${namespace} are already running (limit ${this.limits.perNamespace})`);
    if (this.total >= this.limits.total) throw this.refuse(`${this.total} operations are already running (limit ${this.limits.total})`);
    this.total++;
    this.byAgent.set(agent, agentCount + 1);
    this.byNamespace.set(namespace, namespaceCount + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.total--;
      decrement(this.byAgent, agent);
      decrement(this.byNamespace, namespace);
    };
  }

  /** Operations in flight (for status output and tests). */
  inFlight(): { total: number; agents: Record<string, number>; namespaces: Record<string, number> } {
    return { total: this.total, agents: Object.fromEntries(this.byAgent), namespaces: Object.fromEntries(this.byNamespace) };
  }

  private refuse(why: string): CoreError {
    return new CoreError('E2006', `${why}; wait for one to finish, then retry`);
  }
}

function decrement(map: Map<string, number>, key: string): void {
  const next = (map.get(key) ?? 1) - 1;
  if (next <= 0) map.delete(key);
  else map.set(key, next);
}
