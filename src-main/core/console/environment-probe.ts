/**
 * What the first-run screen shows about this machine: the Docker engine (asked through the
 * Docker target) and the kubeconfig's contexts (read from KUBECONFIG or ~/.kube/config; nothing
 * is contacted). Found or not, never required: the process target needs neither.
 */
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import type { EnvironmentReport } from '../../../src-shared/ipc/console-types';
import type { ControlPlane } from '../control-plane';
import { errorMessage } from '../contracts';

export async function probeEnvironment(plane: ControlPlane, env: Readonly<Record<string, string | undefined>> = process.env): Promise<EnvironmentReport> {
  const docker = plane.targets.docker?.probe
    ? await plane.targets.docker.probe()
    : { available: false, problem: 'No Docker engine socket on this machine (DOCKER_HOST unset, no /var/run/docker.sock). The process target needs none.' };
  return { docker, kubernetes: await kubeContexts(env) };
}

/** Contexts of the first kubeconfig file that exists (KUBECONFIG lists several; merging is issue 6's client's job). */
async function kubeContexts(env: Readonly<Record<string, string | undefined>>): Promise<EnvironmentReport['kubernetes']> {
  const files = env.KUBECONFIG ? env.KUBECONFIG.split(path.delimiter).filter(Boolean) : [path.join(env.HOME ?? os.homedir(), '.kube', 'config')];
  for (const file of files) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch {
      continue;
    }
    try {
      const config = parse(text) as { contexts?: { name?: string; context?: { cluster?: string } }[]; 'current-context'?: string } | null;
      const contexts = (config?.contexts ?? []).filter((entry) => typeof entry?.name === 'string');
      return { contexts: contexts.map((entry) => ({ name: entry.name!, cluster: entry.context?.cluster ?? '', current: entry.name === config?.['current-context'] })) };
    } catch (error) {
      return { contexts: [], problem: `${file} is not valid YAML: ${errorMessage(error)}` };
    }
  }
  return { contexts: [], problem: 'No kubeconfig found (KUBECONFIG or ~/.kube/config).' };
}
