/**
 * How the Docker and Kubernetes targets name and tag what they create, in one place: a short,
 * name-safe form of a deployment id, the hash of the data dir that marks every object as this
 * install's (one engine or cluster may serve several), and the state a user asked a deployment to
 * be in (which tells a deliberate stop from a crash).
 */
import { createHash } from 'node:crypto';
import path from 'node:path';

export type DesiredState = 'running' | 'stopped' | 'suspended';

/** Lower-case alphanumerics of the deployment id, enough of them to keep names unique. */
export function shortId(deploymentId: string): string {
  const compact = deploymentId.toLowerCase().replace(/[^a-z0-9]/g, '');
  return (compact || 'deployment').slice(0, 12);
}

/** The `home` label value of a data dir: a short hash of its absolute path (no user path on the engine or cluster). */
export function homeLabel(dataDir: string): string {
  return createHash('sha256').update(path.resolve(dataDir)).digest('hex').slice(0, 16);
}
