/**
 * What the first-run screen and the Targets view show about this machine: the Docker engine
 * (asked through the Docker target, with a deadline so a dead DOCKER_HOST never holds a view) and
 * the kubeconfig's contexts (every file of KUBECONFIG, or ~/.kube/config, merged as kubectl does;
 * nothing is contacted). Found or not, never required: the process target needs neither.
 */
import type { DockerTargetStatus, KubeContextRow, TargetsStatus } from '../../../src-shared/ipc/admin-types';
import type { EnvironmentReport } from '../../../src-shared/ipc/console-types';
import type { ControlPlane } from '../control-plane';
import { kubeconfigFiles } from '../targets/kubernetes/kube-client';
import { danglingReferences, readKubeconfig } from './kubeconfig';

type Env = Readonly<Record<string, string | undefined>>;

/** How long the Docker engine may take to say its version before it is reported as not answering. */
export const DOCKER_PROBE_TIMEOUT_MS = 3000;

const NO_DOCKER = 'No Docker engine socket on this machine (DOCKER_HOST unset, no /var/run/docker.sock). The process target needs none.';

export async function probeEnvironment(plane: ControlPlane, env: Env = process.env): Promise<EnvironmentReport> {
  const [docker, kubernetes] = await Promise.all([probeDocker(plane), kubeContexts(env)]);
  return {
    docker: { available: docker.available, ...(docker.version ? { version: docker.version } : {}), ...(docker.problem ? { problem: docker.problem } : {}) },
    kubernetes: {
      contexts: kubernetes.contexts.map((context) => ({ name: context.name, cluster: context.cluster, user: context.user, namespace: context.namespace, current: context.current })),
      ...(kubernetes.contexts.length === 0 ? { problem: kubernetes.problems[0] ?? 'No kubeconfig found (KUBECONFIG or ~/.kube/config).' } : {}),
    },
  };
}

/** The Targets view: the process target, the Docker engine with its base images, and every kubeconfig context. */
export async function targetsStatus(plane: ControlPlane, env: Env = process.env): Promise<TargetsStatus> {
  const [docker, kubernetes] = await Promise.all([probeDocker(plane), kubeContexts(env)]);
  return { process: { available: true, detail: 'Agents run as supervised child processes on this machine; nothing to install.' }, docker, kubernetes };
}

async function probeDocker(plane: ControlPlane): Promise<DockerTargetStatus> {
  const wanted = plane.settings.baseImages();
  const unknown = (): DockerTargetStatus['baseImages'] => [
    { language: 'node', ref: wanted.node, present: null },
    { language: 'python', ref: wanted.python, present: null },
  ];
  const docker = plane.targets.docker;
  if (!docker?.probe) return { available: false, problem: NO_DOCKER, baseImages: unknown() };
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), DOCKER_PROBE_TIMEOUT_MS);
  });
  try {
    const probe = await Promise.race([docker.probe(), deadline]);
    if (!probe) return { available: false, problem: `The Docker engine did not answer within ${DOCKER_PROBE_TIMEOUT_MS / 1000} s; check DOCKER_HOST or restart the engine.`, baseImages: unknown() };
    const present = new Map((probe.baseImages ?? []).map((image) => [image.ref, image.present]));
    return {
      available: probe.available,
      ...(probe.version ? { version: probe.version } : {}),
      ...(probe.problem ? { problem: probe.problem } : {}),
      baseImages: unknown().map((image) => ({ ...image, present: present.get(image.ref) ?? null })),
    };
  } finally {
    clearTimeout(timer);
  }
}

async function kubeContexts(env: Env): Promise<TargetsStatus['kubernetes']> {
  const config = await readKubeconfig(env);
  const problems = [...config.problems, ...danglingReferences(config)];
  if (config.files.length === 0) problems.push(`No kubeconfig found (${env.KUBECONFIG ? `KUBECONFIG lists ${kubeconfigFiles(env).join(', ')}` : '~/.kube/config'}). Kubernetes is optional.`);
  const contexts: KubeContextRow[] = config.contexts.map((context) => ({
    name: context.name,
    cluster: context.cluster,
    user: context.user,
    namespace: context.namespace ?? 'default',
    server: config.clusters.get(context.cluster)?.server ?? null,
    current: context.name === config.currentContext,
    file: context.file,
    connection: 'not-connected',
  }));
  return { contexts, files: config.files, problems };
}
