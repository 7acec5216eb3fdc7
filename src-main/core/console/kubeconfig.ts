/**
 * Reads the user's kubeconfig the way kubectl does, without contacting any cluster: every file in
 * KUBECONFIG (path-list order), or ~/.kube/config; the first file to define a context, cluster or
 * user by name wins, and so does the first `current-context`. Paths inside a file (certificate
 * files, token files) are relative to that file. The first-run screen and the Targets view list
 * contexts from here; `testKubeContext` uses the resolved cluster and user to ask one API server
 * for its version. (The Kubernetes target, issue 6, brings its own client.)
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'yaml';
import { errorMessage } from '../contracts';
import { kubeconfigFiles } from '../targets/kubernetes/kube-client';

type Env = Readonly<Record<string, string | undefined>>;

export interface KubeCluster {
  name: string;
  server?: string;
  /** PEM, from certificate-authority-data (base64) — or read from `certificateAuthorityFile`. */
  certificateAuthorityData?: string;
  certificateAuthorityFile?: string;
  insecureSkipTlsVerify: boolean;
  tlsServerName?: string;
  file: string;
}

export interface KubeUser {
  name: string;
  token?: string;
  tokenFile?: string;
  clientCertificateData?: string;
  clientCertificateFile?: string;
  clientKeyData?: string;
  clientKeyFile?: string;
  username?: string;
  password?: string;
  /** An exec credential plugin or an auth provider (aws, gcloud, oidc…): the command or provider name. */
  plugin?: string;
  file: string;
}

export interface KubeContext {
  name: string;
  cluster: string;
  user: string;
  namespace?: string;
  file: string;
}

export interface Kubeconfig {
  /** Files that exist and were read, in order. */
  files: string[];
  contexts: KubeContext[];
  clusters: Map<string, KubeCluster>;
  users: Map<string, KubeUser>;
  currentContext?: string;
  /** Files that could not be parsed, and entries without a name. */
  problems: string[];
}


interface NamedEntry<T> {
  name?: unknown;
  context?: T;
  cluster?: T;
  user?: T;
}

/** Reads and merges every kubeconfig file; a missing file is skipped, an unparsable one is a problem. */
export async function readKubeconfig(env: Env = process.env): Promise<Kubeconfig> {
  const config: Kubeconfig = { files: [], contexts: [], clusters: new Map(), users: new Map(), problems: [] };
  const contextNames = new Set<string>();
  for (const file of kubeconfigFiles(env)) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch {
      continue;
    }
    config.files.push(file);
    let document: Record<string, unknown> | null;
    try {
      document = parse(text) as Record<string, unknown> | null;
    } catch (error) {
      config.problems.push(`${file} is not valid YAML: ${errorMessage(error)}`);
      continue;
    }
    if (!document || typeof document !== 'object') continue;
    const dir = path.dirname(file);
    const relative = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? path.resolve(dir, value) : undefined);
    const text_ = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);
    const base64 = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? Buffer.from(value, 'base64').toString('utf8') : undefined);
    const current = text_(document['current-context']);
    if (config.currentContext === undefined && current) config.currentContext = current;

    for (const entry of list<NamedEntry<Record<string, unknown>>>(document.clusters)) {
      const name = text_(entry.name);
      const cluster = entry.cluster ?? {};
      if (!name) {
        config.problems.push(`${file}: a cluster entry has no name`);
        continue;
      }
      if (config.clusters.has(name)) continue;
      config.clusters.set(name, {
        name,
        file,
        ...optional('server', text_(cluster.server)),
        ...optional('certificateAuthorityData', base64(cluster['certificate-authority-data'])),
        ...optional('certificateAuthorityFile', relative(cluster['certificate-authority'])),
        insecureSkipTlsVerify: cluster['insecure-skip-tls-verify'] === true,
        ...optional('tlsServerName', text_(cluster['tls-server-name'])),
      });
    }
    for (const entry of list<NamedEntry<Record<string, unknown>>>(document.users)) {
      const name = text_(entry.name);
      const user = entry.user ?? {};
      if (!name) {
        config.problems.push(`${file}: a user entry has no name`);
        continue;
      }
      if (config.users.has(name)) continue;
      const exec = user.exec as { command?: unknown } | undefined;
      const provider = user['auth-provider'] as { name?: unknown } | undefined;
      config.users.set(name, {
        name,
        file,
        ...optional('token', text_(user.token)),
        ...optional('tokenFile', relative(user.tokenFile)),
        ...optional('clientCertificateData', base64(user['client-certificate-data'])),
        ...optional('clientCertificateFile', relative(user['client-certificate'])),
        ...optional('clientKeyData', base64(user['client-key-data'])),
        ...optional('clientKeyFile', relative(user['client-key'])),
        ...optional('username', text_(user.username)),
        ...optional('password', text_(user.password)),
        ...optional('plugin', exec ? `exec plugin ${text_(exec.command) ?? '(no command)'}` : provider ? `auth provider ${text_(provider.name) ?? '(unnamed)'}` : undefined),
      });
    }
    for (const entry of list<NamedEntry<Record<string, unknown>>>(document.contexts)) {
      const name = text_(entry.name);
      if (!name) {
        config.problems.push(`${file}: a context entry has no name`);
        continue;
      }
      if (contextNames.has(name)) continue;
      contextNames.add(name);
      const context = entry.context ?? {};
      config.contexts.push({ name, file, cluster: text_(context.cluster) ?? '', user: text_(context.user) ?? '', ...optional('namespace', text_(context.namespace)) });
    }
  }
  return config;
}

/** Contexts that name a cluster or user no file defines (kubectl would fail on them too). */
export function danglingReferences(config: Kubeconfig): string[] {
  const problems: string[] = [];
  for (const context of config.contexts) {
    if (!config.clusters.has(context.cluster)) problems.push(`context ${context.name} names cluster "${context.cluster}", which no kubeconfig file defines`);
    if (context.user && !config.users.has(context.user)) problems.push(`context ${context.name} names user "${context.user}", which no kubeconfig file defines`);
  }
  return problems;
}

function list<T>(value: unknown): T[] {
  return Array.isArray(value) ? value.filter((item): item is T => item !== null && typeof item === 'object') : [];
}

function optional<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}
