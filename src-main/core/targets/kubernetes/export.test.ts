// agentdock export from what really exists: a version deployed through the controller (process
// target) with a JWT secret, a secret argument, a vault secret and an API key. The manifests go
// to the real API server (server-side dry run); the chart through the real helm (lint, template),
// whose rendering must equal the renderer's objects at every trust level and with autoscaling.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CoreV1Api, KubeConfig, KubernetesObjectApi } from '@kubernetes/client-node';
import type { KubernetesObject } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { parseKeysFile } from '../../../runtime/config/keys-file';
import { parseRuntimeSettings } from '../../../runtime/config/runtime-settings';
import { parseSecretsFile } from '../../../runtime/config/secrets-file';
import { ShapeError } from '../../../runtime/config/shape-check';
import { openControlPlane } from '../../control-plane';
import type { ControlPlane } from '../../control-plane';
import { deleteDeploymentsAndClose } from '../../control-plane-test-support';
import type { TrustLevel } from '../../contracts';
import { REDACTED } from '../../build/spec-secrets';
import { deploymentConfigDir } from '../../controller/deployment-config';
import { generateMasterKey, StaticKeyProvider } from '../../vault';
import { ensureRuntimeBuilt } from '../process/process-test-support';
import { exportAgent, loadExportSource, manifestsYaml, PLACEHOLDER_FIELD, secretReferences, writeExportFiles } from './export';
import type { ExportSource } from './export';
import { HELM_LABELS, helmChart } from './helm-chart';
import { ensureTestCluster, testNamespace } from './kube-test-support';
import { deploymentObjects, LABELS, portableObject } from './manifests';
import type { KubeObject } from './manifests';

const repoRoot = path.join(import.meta.dirname, '..', '..', '..', '..');
const SECRETS = { jwt: 'jwt-secret-value-never-exported-0123', token: 'search-token-never-exported-4567', vault: 'sk-vault-value-never-exported-89ab' };
const namespace = testNamespace('adk-export');

let home: string;
let plane: ControlPlane;
let source: ExportSource;
let deploymentId: string;
let rawApiKey: string;
let helm: string;

function writeProject(dir: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    path.join(dir, 'Dockfile.yaml'),
    `version: "1.0"
agent: { name: export_agent, entrypoint: agent.mjs:run, framework: langgraph }
model: { provider: openai, name: gpt-4o-mini }
io_schema:
  input: { type: object }
  output: { type: object }
arguments:
  api_token: "\${SEARCH_TOKEN}"
auth:
  mode: jwt
  jwt: { secret_key: "\${JWT_SECRET}" }
  api_keys: { enabled: true }
expose: { rest: true, port: 8080 }
`,
  );
  writeFileSync(path.join(dir, 'agent.mjs'), 'export async function run(input) { return { echo: input }; }\n');
}

/** Objects without the labels a Helm chart conventionally adds, in one order (Helm sorts by kind), comparable with the plain manifests. */
function withoutHelmLabels(objects: KubeObject[]): KubeObject[] {
  const key = (object: KubeObject) => `${object.kind}/${object.metadata.name}`;
  return structuredClone(objects)
    .map((object) => {
      for (const labels of [object.metadata.labels, (object.spec as { template?: { metadata?: { labels?: Record<string, string> } } } | undefined)?.template?.metadata?.labels]) {
        for (const label of HELM_LABELS) if (labels) delete labels[label];
      }
      return object;
    })
    .sort((a, b) => key(a).localeCompare(key(b)));
}

function helmTemplate(chartDir: string, ...args: string[]): KubeObject[] {
  const text = execFileSync(helm, ['template', 'release', chartDir, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return parseAllDocuments(text)
    .map((document) => document.toJS() as KubeObject | null)
    .filter((object): object is KubeObject => object !== null);
}

async function writeChart(exported: ReturnType<typeof exportAgent>): Promise<string> {
  const chart = helmChart(exported);
  const dir = path.join(mkdtempSync(path.join(home, 'chart-')), chart.name);
  await writeExportFiles(dir, chart.files);
  return dir;
}

beforeAll(async () => {
  ensureRuntimeBuilt();
  helm = execFileSync('bash', [path.join(repoRoot, 'scripts/ensure-helm.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 20 * 60_000 }).trim();
  home = mkdtempSync(path.join(tmpdir(), 'agentdock-export-'));
  writeProject(path.join(home, 'project'));
  plane = openControlPlane({ dataDir: path.join(home, 'data'), keyProvider: new StaticKeyProvider(generateMasterKey()) });
  await plane.vault().set('OPENAI_API_KEY', SECRETS.vault, { environment: 'dev', actor: 'tester', role: 'admin' });
  const deployed = await plane.controller().deploy(path.join(home, 'project'), { target: 'process', actor: 'tester', env: { JWT_SECRET: SECRETS.jwt, SEARCH_TOKEN: SECRETS.token } });
  deploymentId = deployed.deploymentId;
  const agent = plane.repositories.agents.require('export_agent');
  rawApiKey = plane.repositories.apiKeys.create({ agentId: agent.id, role: 'developer', createdBy: 'tester' }).raw;
  await plane.operations().rolloutConfig('keys', { agentId: agent.id }, { actor: 'tester', role: 'admin' });
  source = await loadExportSource(plane.repositories, plane.dataDir, 'export_agent', 'v1');
}, 25 * 60_000);

afterAll(async () => {
  if (plane) await deleteDeploymentsAndClose(plane);
  if (home) rmSync(home, { recursive: true, force: true });
});

describe('agentdock export: the objects', () => {
  it('are what a deploy renders, minus the install label: the namespace first, config named after the version, the deploy-built image', () => {
    const exported = exportAgent(source, { namespace });
    expect(exported.objects.map((object) => object.kind)).toEqual(['Namespace', 'ConfigMap', 'Secret', 'Service', 'NetworkPolicy', 'PodDisruptionBudget', 'Deployment']);
    expect(exported.objects.slice(1)).toEqual(deploymentObjects({ ...exported.state, home: 'any-install' }, exported.files).map(portableObject));
    expect(JSON.stringify(exported.objects)).not.toContain(LABELS.home);
    expect(exported.objects.find((object) => object.kind === 'ConfigMap')?.metadata.name).toBe('export-agent-v1');
    const deployment = exported.objects.find((object) => object.kind === 'Deployment') as KubeObject & { spec: { replicas: number; template: { spec: { containers: { image: string }[] } } } };
    expect(deployment.spec.template.spec.containers[0]?.image).toBe(`agentdock/export-agent:${source.version.contentHash.slice(0, 12)}`);
    expect(deployment.spec.replicas).toBe(1);
    expect(exportAgent(source, { image: 'registry.example.com:5000/team/agent:1.2', replicas: 3 }).state).toMatchObject({ image: 'registry.example.com:5000/team/agent:1.2', replicas: 3, namespace: 'export-agent' });
  });

  it('carry config the runtime accepts: the bundle spec, runtime settings for the image, and the keys.json a deploy writes', () => {
    const { files } = exportAgent(source);
    expect(JSON.parse(files['spec.json']!)).toEqual(JSON.parse(readFileSync(path.join(source.bundleDir, 'spec.json'), 'utf8')));
    expect(parseRuntimeSettings(JSON.parse(files['runtime.json']!))).toEqual({ agentVersion: 'v1', projectDir: '/app/agent', language: 'javascript', provider: { mode: 'simulated' } });
    // keys.json is byte for byte what the deployed replicas read, the new key's hash included.
    expect(files['keys.json']).toBe(readFileSync(path.join(deploymentConfigDir(plane.dataDir, deploymentId), 'keys.json'), 'utf8'));
    expect(parseKeysFile(JSON.parse(files['keys.json']!)).keys).toHaveLength(1);
  });

  it('never carry a secret value; secrets.json names what to fill and the runtime refuses it until someone does', async () => {
    const exported = exportAgent(source, { namespace });
    const deployedSecrets = parseSecretsFile(JSON.parse(readFileSync(path.join(deploymentConfigDir(plane.dataDir, deploymentId), 'secrets.json'), 'utf8')));
    // The deploy really had every one of these: the export must have left them all out.
    expect(deployedSecrets).toMatchObject({ jwtSecret: SECRETS.jwt, env: { OPENAI_API_KEY: SECRETS.vault } });
    const values = [SECRETS.jwt, SECRETS.token, SECRETS.vault, rawApiKey, deployedSecrets.auditHashKey!, deployedSecrets.controlToken!];
    const everything = [manifestsYaml(exported), ...Object.values(helmChart(exported).files)].join('\n');
    for (const value of values) expect(everything).not.toContain(value);

    expect(exported.secrets).toEqual([
      { path: 'arguments.api_token', variables: ['SEARCH_TOKEN'] },
      { path: 'auth.jwt.secret_key', variables: ['JWT_SECRET'] },
    ]);
    const placeholder = JSON.parse(exported.files['secrets.json']!) as Record<string, unknown>;
    expect(placeholder).toMatchObject({ jwtSecret: '${JWT_SECRET}', [PLACEHOLDER_FIELD]: expect.stringContaining('secret manager') });
    expect(() => parseSecretsFile(placeholder)).toThrow(ShapeError);
    const filled: Record<string, unknown> = { ...placeholder, jwtSecret: 'a-jwt-secret-from-the-secret-manager' };
    delete filled[PLACEHOLDER_FIELD];
    expect(parseSecretsFile(filled)).toEqual({ jwtSecret: 'a-jwt-secret-from-the-secret-manager' });

    const yaml = manifestsYaml(exported);
    expect(yaml).toMatch(/^# Secret export-agent-v1 holds keys\.json and secrets\.json\./m);
    expect(yaml).toMatch(/^# {3}jwtSecret <- \$\{JWT_SECRET\} \(auth\.jwt\.secret_key/m);
    expect(yaml).toMatch(/^# spec\.json shows \[redacted\] at arguments\.api_token \(\$\{SEARCH_TOKEN\}\)/m);
    expect(parseAllDocuments(yaml).map((document) => document.toJS() as KubeObject)).toEqual(exported.objects);
  });

  it('name the Dockfile variables behind each redacted field, or one made from the path for a literal', () => {
    const dockfile = 'auth:\n  jwt: { secret_key: "${JWT_A}${JWT_B:-x}" }\nobservability:\n  langfuse: { project: p, secret_key: a-literal-secret }\n';
    const redacted = { auth: { jwt: { secret_key: REDACTED } }, observability: { langfuse: { project: 'p', secret_key: REDACTED } } };
    expect(secretReferences(dockfile, redacted)).toEqual([
      { path: 'auth.jwt.secret_key', variables: ['JWT_A', 'JWT_B'] },
      { path: 'observability.langfuse.secret_key', variables: ['OBSERVABILITY_LANGFUSE_SECRET_KEY'] },
    ]);
    expect(secretReferences('not: [valid', redacted).map((reference) => reference.variables)).toEqual([['AUTH_JWT_SECRET_KEY'], ['OBSERVABILITY_LANGFUSE_SECRET_KEY']]);
  });

  it('name the way out when the agent, the version or its build is missing', async () => {
    await expect(loadExportSource(plane.repositories, plane.dataDir, 'nobody', 'v1')).rejects.toMatchObject({ code: 'E2004', message: expect.stringContaining('agentdock versions') });
    await expect(loadExportSource(plane.repositories, plane.dataDir, 'export_agent', 'v9')).rejects.toMatchObject({ code: 'E2003', message: 'Agent export_agent has no version v9; see agentdock versions export_agent.' });
    expect(() => exportAgent(source, { trust: 'CONFIDENTIAL' })).toThrow(/CONFIDENTIAL needs a confidential-computing RuntimeClass/);
  });

  it('pass a server-side dry run on a real API server', async () => {
    const config = new KubeConfig();
    config.loadFromFile(ensureTestCluster());
    const objects = KubernetesObjectApi.makeApiClient(config);
    const core = config.makeApiClient(CoreV1Api);
    const [ns, ...rest] = exportAgent(source, { namespace, trust: 'UNTRUSTED', replicas: 2 }).objects;
    try {
      await objects.create(ns as KubernetesObject, undefined, 'All');
      // Namespaced objects need their namespace to exist, even in a dry run: this one is real.
      await objects.create(ns as KubernetesObject);
      for (const object of rest) {
        const created = await objects.create(object as KubernetesObject, undefined, 'All');
        expect(created.metadata).toMatchObject({ name: object.metadata.name, namespace });
      }
      const listed = await core.listNamespacedConfigMap({ namespace });
      expect(listed.items.map((item) => item.metadata?.name)).not.toContain('export-agent-v1');
    } finally {
      await core.deleteNamespace({ name: namespace }).catch(() => undefined);
    }
  }, 120_000);
});

describe('agentdock export: the Helm chart', () => {
  it('passes helm lint --strict and renders the plain manifests with the default values', async () => {
    const exported = exportAgent(source, { namespace });
    const dir = await writeChart(exported);
    expect(execFileSync(helm, ['lint', '--strict', dir], { encoding: 'utf8' })).toMatch(/1 chart\(s\) linted, 0 chart\(s\) failed/);
    const rendered = helmTemplate(dir);
    expect(withoutHelmLabels(rendered)).toEqual(withoutHelmLabels(exported.objects.slice(1)));
    const deployment = rendered.find((object) => object.kind === 'Deployment')!;
    expect(deployment.metadata.labels).toMatchObject({ 'app.kubernetes.io/managed-by': 'Helm', 'app.kubernetes.io/instance': 'release', 'helm.sh/chart': 'export-agent-0.1.0' });
    const chartYaml = readFileSync(path.join(dir, 'Chart.yaml'), 'utf8');
    expect(chartYaml).toMatch(/^version: 0\.1\.0$/m);
    expect(chartYaml).toMatch(/^appVersion: v1$/m);
  });

  it('renders what a deploy applies at every trust level, with a runtime class, and with autoscaling', async () => {
    const dir = await writeChart(exportAgent(source, { namespace }));
    const levels: TrustLevel[] = ['TRUSTED', 'STANDARD', 'UNTRUSTED', 'CONFIDENTIAL'];
    for (const trust of levels) {
      const expected = exportAgent(source, { namespace, trust, runtimeClassName: 'kata-cc' }).objects.slice(1);
      expect(withoutHelmLabels(helmTemplate(dir, '--set', `trust=${trust}`, '--set', 'runtimeClassName=kata-cc'))).toEqual(withoutHelmLabels(expected));
    }
    const { state, files } = exportAgent(source, { namespace });
    const autoscale = { minReplicas: 2, maxReplicas: 5, cpuPercent: 60, memoryPercent: 75 };
    const expected = deploymentObjects({ ...state, replicas: 2, autoscale }, files).map(portableObject);
    const rendered = helmTemplate(dir, '--set', 'autoscaling.enabled=true', '--set', 'autoscaling.minReplicas=2', '--set', 'autoscaling.maxReplicas=5', '--set', 'autoscaling.targetCPUUtilizationPercentage=60', '--set', 'autoscaling.targetMemoryUtilizationPercentage=75');
    expect(withoutHelmLabels(rendered)).toEqual(withoutHelmLabels(expected));
  });

  it('keeps an image with a registry port and digest, takes a Secret you manage, and refuses a wrong trust level', async () => {
    const image = 'registry.example.com:5000/team/agent:1.2@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef';
    const exported = exportAgent(source, { namespace, image });
    const dir = await writeChart(exported);
    expect(readFileSync(path.join(dir, 'values.yaml'), 'utf8')).toContain('  repository: "registry.example.com:5000/team/agent"\n  tag: "1.2"\n');
    expect(withoutHelmLabels(helmTemplate(dir))).toEqual(withoutHelmLabels(exported.objects.slice(1)));

    const managed = helmTemplate(dir, '--set', 'config.existingSecret=from-vault');
    expect(managed.map((object) => object.kind)).not.toContain('Secret');
    expect(JSON.stringify(managed.find((object) => object.kind === 'Deployment'))).toContain('{"secret":{"name":"from-vault"}}');

    expect(() => helmTemplate(dir, '--set', 'trust=trusted')).toThrow(/trust must be one of TRUSTED, STANDARD, UNTRUSTED, CONFIDENTIAL/);
    expect(() => helmTemplate(dir, '--set', 'trust=CONFIDENTIAL')).toThrow(/trust CONFIDENTIAL needs runtimeClassName/);
    const namespaced = helmTemplate(dir, '--set', 'createNamespace=true', '--namespace', 'elsewhere');
    expect(namespaced[0]).toEqual(expect.objectContaining({ kind: 'Namespace', metadata: expect.objectContaining({ name: namespace }) }));
    expect(withoutHelmLabels([namespaced[0]!])).toEqual(withoutHelmLabels([exported.objects[0]!]));
  });
});
