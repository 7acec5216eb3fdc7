/**
 * "Test connection" for one kubeconfig context: GET <server>/version with the context's
 * credentials and a short timeout, and an answer a person can act on — reachable (with the
 * server's version), unauthorized (401/403: the credentials were refused), or unreachable (refused,
 * unresolvable, timed out, a TLS certificate not trusted, or not an API server).
 *
 * Plain node:https with the kubeconfig's CA, client certificate and token: @kubernetes/client-node
 * is not a dependency yet (the Kubernetes target, issue 6, brings it), and /version needs nothing
 * more. Exec credential plugins and auth providers (aws, gcloud, oidc) are not run here: the
 * request goes without credentials and the answer says so. The timeout covers the whole exchange,
 * so a dead cluster costs at most `timeoutMs` and never blocks anything else.
 */
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import type { KubeConnectionTest } from '../../../src-shared/ipc/admin-types';
import { errorMessage } from '../contracts';
import type { KubeCluster, KubeContext, Kubeconfig, KubeUser } from './kubeconfig';

export const DEFAULT_KUBE_TEST_TIMEOUT_MS = 3000;

const MAX_BODY_BYTES = 64 * 1024;

type Outcome = Omit<KubeConnectionTest, 'context' | 'server' | 'durationMs'>;

/** Tests `context` of `config`; never throws for a network failure, only reports it. */
export async function testKubeContext(config: Kubeconfig, context: KubeContext, options: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<KubeConnectionTest> {
  const started = Date.now();
  const cluster = config.clusters.get(context.cluster);
  const server = cluster?.server ?? null;
  const outcome = await (async (): Promise<Outcome> => {
    if (!cluster) return unreachable(`context ${context.name} names cluster "${context.cluster}", which no kubeconfig file defines: fix the kubeconfig`);
    if (!cluster.server) return unreachable(`cluster ${cluster.name} has no server address in ${cluster.file}`);
    const user = context.user ? config.users.get(context.user) : undefined;
    if (context.user && !user) return unreachable(`context ${context.name} names user "${context.user}", which no kubeconfig file defines: fix the kubeconfig`);
    return ask(cluster, user, options.timeoutMs ?? DEFAULT_KUBE_TEST_TIMEOUT_MS, options.signal);
  })();
  return { context: context.name, server, ...outcome, durationMs: Date.now() - started };
}

async function ask(cluster: KubeCluster, user: KubeUser | undefined, timeoutMs: number, signal: AbortSignal | undefined): Promise<Outcome> {
  let url: URL;
  try {
    url = new URL(cluster.server!);
  } catch {
    return unreachable(`cluster ${cluster.name}'s server "${cluster.server}" is not a URL: fix it in ${cluster.file}`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return unreachable(`cluster ${cluster.name}'s server uses ${url.protocol}; an API server is reached over https`);
  let tls: https.RequestOptions;
  let headers: Record<string, string>;
  try {
    tls = url.protocol === 'https:' ? await tlsOptions(cluster, user) : {};
    headers = await authHeaders(user);
  } catch (error) {
    return unreachable(`cannot read the credentials of this context: ${errorMessage(error)}`);
  }
  const versionUrl = new URL(`${url.pathname.replace(/\/+$/, '')}/version`, url);
  const deadline = AbortSignal.timeout(timeoutMs);
  const abort = signal ? AbortSignal.any([signal, deadline]) : deadline;
  const pluginNote = user?.plugin ? ` (its credentials come from an ${user.plugin}, which the connection test does not run: they are checked when the Kubernetes target connects)` : '';
  try {
    const { status, body } = await get(versionUrl, { ...tls, headers: { accept: 'application/json', ...headers }, signal: abort, agent: false });
    if (status === 200) {
      const version = gitVersion(body);
      return { status: 'reachable', message: `the API server answered${version ? `: Kubernetes ${version}` : ''}${pluginNote}`, ...(version ? { version } : {}) };
    }
    if (status === 401) return { status: 'unauthorized', message: `the API server refused the credentials of user ${user?.name ?? '(none)'} (401 Unauthorized): the token or client certificate is wrong or expired; get fresh credentials for this context${pluginNote}` };
    if (status === 403) return { status: 'unauthorized', message: `user ${user?.name ?? '(none)'} is known but may not read /version (403 Forbidden): ask the cluster admin for access${pluginNote}` };
    return unreachable(`${versionUrl.origin} answered HTTP ${status} at /version: not a Kubernetes API server, or a proxy is in the way`);
  } catch (error) {
    if (deadline.aborted) return unreachable(`no answer from ${url.host} within ${timeoutMs / 1000} s: the cluster may be down, or behind a VPN or firewall`);
    if (signal?.aborted) throw error;
    return unreachable(networkProblem(error, url, cluster));
  }
}

function unreachable(message: string): Outcome {
  return { status: 'unreachable', message };
}

async function tlsOptions(cluster: KubeCluster, user: KubeUser | undefined): Promise<https.RequestOptions> {
  const ca = cluster.certificateAuthorityData ?? (cluster.certificateAuthorityFile ? await readFile(cluster.certificateAuthorityFile, 'utf8') : undefined);
  const cert = user?.clientCertificateData ?? (user?.clientCertificateFile ? await readFile(user.clientCertificateFile, 'utf8') : undefined);
  const key = user?.clientKeyData ?? (user?.clientKeyFile ? await readFile(user.clientKeyFile, 'utf8') : undefined);
  return {
    ...(ca ? { ca } : {}),
    ...(cert && key ? { cert, key } : {}),
    // The kubeconfig's own choice (kind and minikube never set it; some lab clusters do).
    rejectUnauthorized: !cluster.insecureSkipTlsVerify,
    ...(cluster.tlsServerName ? { servername: cluster.tlsServerName } : {}),
  };
}

async function authHeaders(user: KubeUser | undefined): Promise<Record<string, string>> {
  if (!user) return {};
  const token = user.token ?? (user.tokenFile ? (await readFile(user.tokenFile, 'utf8')).trim() : undefined);
  if (token) return { authorization: `Bearer ${token}` };
  if (user.username !== undefined && user.password !== undefined) return { authorization: `Basic ${Buffer.from(`${user.username}:${user.password}`).toString('base64')}` };
  return {};
}

function get(url: URL, options: https.RequestOptions): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = (url.protocol === 'https:' ? https : http).request(url, { ...options, method: 'GET' }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        if (body.length < MAX_BODY_BYTES) body += chunk;
      });
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      response.on('error', reject);
      // Aborted (the timeout) or cut off mid-answer: settle instead of waiting for an 'end' that never comes.
      response.on('close', () => {
        if (!response.complete) reject(options.signal?.reason instanceof Error ? options.signal.reason : new Error('the connection closed before the answer was complete'));
      });
    });
    request.on('error', reject);
    request.end();
  });
}

function gitVersion(body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as { gitVersion?: unknown };
    return typeof parsed.gitVersion === 'string' ? parsed.gitVersion : undefined;
  } catch {
    return undefined;
  }
}

const TLS_CODES = new Set(['DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID']);

/** What a failed connection means, in words that say where to look. */
function networkProblem(error: unknown, url: URL, cluster: KubeCluster): string {
  const code = (error as { code?: unknown }).code;
  const where = url.host;
  switch (code) {
    case 'ECONNREFUSED':
      return `connection refused by ${where}: nothing listens there; is the cluster running (kind, minikube, k3d…)?`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `cannot resolve ${url.hostname}: check the server address of cluster ${cluster.name}, or your DNS or VPN`;
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `no route to ${where}: the network (or a VPN) between this machine and the cluster is down`;
    case 'ECONNRESET':
      return `${where} closed the connection: a proxy or firewall may be in the way, or it does not speak ${url.protocol.slice(0, -1)}`;
    case 'EPROTO':
      return `${where} did not complete a TLS handshake: is it an https API server?`;
    default:
      if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
        return `the TLS certificate of ${where} is for another name (${code}): check the server address of cluster ${cluster.name}, or set its tls-server-name, in ${cluster.file}`;
      }
      if (typeof code === 'string' && TLS_CODES.has(code)) {
        return `the TLS certificate of ${where} was not accepted (${code}): check certificate-authority-data of cluster ${cluster.name} in ${cluster.file}`;
      }
      return `cannot reach ${where}: ${typeof code === 'string' ? `${code} ` : ''}${errorMessage(error)}`;
  }
}
