/**
 * The real Kubernetes control plane the tests run against (scripts/kube-cluster.sh: etcd,
 * kube-apiserver, kube-controller-manager, kube-scheduler and kwok on loopback). Never skipped:
 * if the cluster cannot come up, the test fails with the script's output.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';

const repoRoot = path.join(import.meta.dirname, '..', '..', '..', '..');

/** Starts (or finds) the named test cluster and returns its kubeconfig path; `extraArgs` (component=flag=value) apply when it is created. */
export function ensureTestCluster(name = 'agentdock-test', extraArgs: string[] = []): string {
  try {
    const env = { ...process.env, AGENTDOCK_KUBE_CLUSTER: name, AGENTDOCK_KUBE_EXTRA_ARGS: extraArgs.join(' ') };
    return execFileSync('bash', [path.join(repoRoot, 'scripts/kube-cluster.sh'), 'up'], { encoding: 'utf8', env, stdio: ['ignore', 'pipe', 'pipe'], timeout: 50 * 60_000 }).trim();
  } catch (error) {
    const failed = error as { stderr?: string; message: string };
    throw new Error(`scripts/kube-cluster.sh up failed for ${name}: ${failed.stderr ?? failed.message}`);
  }
}

/** Stops or starts a test cluster's control plane, keeping its state (a lost and returning API server). */
export function controlTestCluster(name: string, action: 'stop' | 'start' | 'down'): void {
  execFileSync('bash', [path.join(repoRoot, 'scripts/kube-cluster.sh'), action], { env: { ...process.env, AGENTDOCK_KUBE_CLUSTER: name }, stdio: 'ignore', timeout: 180_000 });
}

/** A namespace name no other test run uses. */
export function testNamespace(prefix: string): string {
  return `${prefix}-${process.pid.toString(36)}-${Math.random().toString(36).slice(2, 7)}`;
}
