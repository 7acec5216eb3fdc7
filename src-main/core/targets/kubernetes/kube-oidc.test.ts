// OIDC logins as kubeconfigs carry them (`auth-provider: oidc` with an id-token), against an API
// server that really validates OIDC tokens: a cluster of its own whose kube-apiserver trusts a
// test issuer (discovery document and signing keys over HTTPS on 127.0.0.1, our own CA) through
// its structured authentication config. A token the issuer signed lists namespaces as its user; a
// token signed by another key is refused with the message that says to log in again.
import { execFileSync } from 'node:child_process';
import { createPrivateKey, generateKeyPairSync, sign } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { KubeConfig, RbacAuthorizationV1Api } from '@kubernetes/client-node';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CoreError } from '../../contracts';
import { kubeFailure } from './kube-api';
import { KubeContexts } from './kube-client';
import { controlTestCluster, ensureTestCluster } from './kube-test-support';

const CLUSTER = 'agentdock-oidc';
let work: string;
let issuer: https.Server;
let issuerUrl: string;
let signingKey: KeyObject;
let server: string;
let caFile: string;

function base64url(value: Buffer | string): string {
  return Buffer.from(value).toString('base64url');
}

function idToken(key: KeyObject, claims: Record<string, unknown>): string {
  const header = base64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid: 'adk-test' }));
  const payload = base64url(JSON.stringify(claims));
  return `${header}.${payload}.${base64url(sign('RSA-SHA256', Buffer.from(`${header}.${payload}`), key))}`;
}

function claims(): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  return { iss: issuerUrl, aud: 'agentdock', sub: 'dev', iat: now, nbf: now - 5, exp: now + 3600 };
}

function oidcKubeconfig(token: string): string {
  const file = path.join(work, `oidc-${Math.random().toString(36).slice(2)}.kubeconfig`);
  writeFileSync(
    file,
    `apiVersion: v1
kind: Config
clusters: [{ name: oidc, cluster: { server: "${server}", certificate-authority: "${caFile}" } }]
users: [{ name: oidc-user, user: { auth-provider: { name: oidc, config: { client-id: agentdock, idp-issuer-url: "${issuerUrl}", id-token: "${token}" } } } }]
contexts: [{ name: via-oidc, context: { cluster: oidc, user: oidc-user } }]
current-context: via-oidc
`,
  );
  return file;
}

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), 'agentdock-kube-oidc-'));
  // The issuer's TLS certificate, from a CA of our own that the API server is told to trust.
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: work, stdio: 'ignore' });
  openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=agentdock test CA', '-keyout', 'ca.key', '-out', 'ca.crt');
  openssl('req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=127.0.0.1', '-keyout', 'issuer.key', '-out', 'issuer.csr');
  writeFileSync(path.join(work, 'san.ext'), 'subjectAltName=IP:127.0.0.1\n');
  openssl('x509', '-req', '-in', 'issuer.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '1', '-extfile', 'san.ext', '-out', 'issuer.crt');

  const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
  signingKey = keys.privateKey;
  const jwk = { ...keys.publicKey.export({ format: 'jwk' }), kid: 'adk-test', use: 'sig', alg: 'RS256' };
  issuer = https.createServer({ key: readFileSync(path.join(work, 'issuer.key')), cert: readFileSync(path.join(work, 'issuer.crt')) }, (request, response) => {
    if (request.url === '/.well-known/openid-configuration') return void response.end(JSON.stringify({ issuer: issuerUrl, jwks_uri: `${issuerUrl}/jwks`, id_token_signing_alg_values_supported: ['RS256'] }));
    if (request.url === '/jwks') return void response.end(JSON.stringify({ keys: [jwk] }));
    response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => issuer.listen(0, '127.0.0.1', resolve));
  issuerUrl = `https://127.0.0.1:${(issuer.address() as AddressInfo).port}`;

  const ca = readFileSync(path.join(work, 'ca.crt'), 'utf8');
  const authConfig = path.join(work, 'authentication.yaml');
  writeFileSync(
    authConfig,
    `apiVersion: apiserver.config.k8s.io/v1
kind: AuthenticationConfiguration
jwt:
- issuer:
    url: ${issuerUrl}
    audiences: [agentdock]
    certificateAuthority: |
${ca
  .trim()
  .split('\n')
  .map((line) => `      ${line}`)
  .join('\n')}
  claimMappings:
    username: { claim: sub, prefix: "oidc:" }
`,
  );
  // A fresh cluster each run: the issuer's port is new every time.
  controlTestCluster(CLUSTER, 'down');
  const admin = ensureTestCluster(CLUSTER, [`kube-apiserver=authentication-config=${authConfig}`]);
  const config = new KubeConfig();
  config.loadFromFile(admin);
  server = config.getCurrentCluster()!.server;
  caFile = config.getCurrentCluster()!.caFile!;
  const rbac = config.makeApiClient(RbacAuthorizationV1Api);
  await rbac.createClusterRole({ body: { metadata: { name: 'adk-namespace-reader' }, rules: [{ apiGroups: [''], resources: ['namespaces'], verbs: ['list'] }] } });
  await rbac.createClusterRoleBinding({
    body: { metadata: { name: 'adk-oidc-dev' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'adk-namespace-reader' }, subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'oidc:dev' }] },
  });
}, 50 * 60_000);

afterAll(async () => {
  controlTestCluster(CLUSTER, 'down');
  await new Promise<void>((resolve) => (issuer ? issuer.close(() => resolve()) : resolve()));
  if (work) rmSync(work, { recursive: true, force: true });
}, 120_000);

it('an OIDC id-token the cluster trusts authenticates (RBAC applies to its user); one signed by another key is refused with what to do', async () => {
  const trusted = await new KubeContexts({ env: { KUBECONFIG: oidcKubeconfig(idToken(signingKey, claims())) } }).open();
  // The API server validates the token against the issuer's keys as they load; give it a moment.
  const deadline = Date.now() + 30_000;
  let names: string[] | undefined;
  let lastError: unknown;
  while (!names && Date.now() < deadline) {
    names = await trusted.core.listNamespace().then(
      (list) => list.items.map((ns) => ns.metadata?.name ?? ''),
      (error: unknown) => ((lastError = error), undefined),
    );
    if (!names) await new Promise((resolve) => setTimeout(resolve, 500));
  }
  expect(names, String(lastError)).toContain('kube-system');

  const forged = createPrivateKey(generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'pem', type: 'pkcs8' }));
  const target = new KubeContexts({ env: { KUBECONFIG: oidcKubeconfig(idToken(forged, claims())) } });
  const clients = await target.open();
  const refused = await clients.core.listNamespace().then(
    () => undefined,
    (error: unknown) => kubeFailure(error, clients, 'listing namespaces'),
  );
  expect(refused).toBeInstanceOf(CoreError);
  expect(refused?.message).toMatch(/refused the credentials \(401\)\. Log in again/);
}, 120_000);
