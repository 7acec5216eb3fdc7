/**
 * The labels AgentDock puts on every Docker object it creates (images, containers, networks,
 * volumes). They are how the control plane finds its own objects again after a restart, and how
 * `delete` removes exactly one deployment's objects and nothing else.
 */

/** Label keys; values are strings as Docker requires. */
export const LABELS = {
  /** `true` on every object AgentDock manages. */
  managed: 'dev.agentdock.managed',
  deployment: 'dev.agentdock.deployment',
  agent: 'dev.agentdock.agent',
  version: 'dev.agentdock.version',
  /** Replica index (0-based) of an agent container or its gateway. */
  replica: 'dev.agentdock.replica',
  /** `agent`, `gateway`, `config` (volume) or `network`. */
  role: 'dev.agentdock.role',
  trust: 'dev.agentdock.trust',
  /** Images: the build's content hash (same inputs → same hash → same image). */
  contentHash: 'dev.agentdock.content-hash',
  /** Images: hash of the generated Dockerfile and the base image it was built on. */
  recipeHash: 'dev.agentdock.recipe-hash',
  /**
   * Which AgentDock data dir created the object (`homeLabel(dataDir)`): one engine may serve
   * several (a user's two AGENTDOCK_HOMEs, parallel test runs), and reconcile must only ever
   * remove leftovers of its own.
   */
  home: 'dev.agentdock.home',
} as const;


/** Role of a container, network or volume within a deployment. */
export type ObjectRole = 'agent' | 'gateway' | 'config' | 'network';

/** Docker list filter selecting one deployment's objects (optionally one role). */
export function deploymentFilter(deploymentId: string, role?: ObjectRole): { label: string[] } {
  const label = [`${LABELS.managed}=true`, `${LABELS.deployment}=${deploymentId}`];
  if (role) label.push(`${LABELS.role}=${role}`);
  return { label };
}
