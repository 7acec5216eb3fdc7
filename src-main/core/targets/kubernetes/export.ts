/**
 * `agentdock export`: one version of an agent as the Kubernetes objects a deploy would apply, for
 * GitOps (plain manifests here, a Helm chart in helm-chart.ts). The objects come from the same
 * renderer as a deploy (manifests.ts), so an export never drifts from what AgentDock runs;
 * only what ties them to this install goes (the `agentdock.dev/home` label, the deployment id).
 *
 * No secret value ever leaves: the spec is the bundle's redacted one, keys.json holds SHA-256
 * hashes, and secrets.json is a placeholder naming the secrets the spec needs (`${NAME}` in the
 * Dockfile). The vault is never opened. An unfilled placeholder fails closed: it carries a field
 * the runtime's secrets.json parser rejects, so it can never serve with a guessable JWT secret.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Document, parse as parseYaml } from 'yaml';
import { interpolate } from '../../../../src-shared/dockfile/env-interpolation';
import type { DockSpec } from '../../../../src-shared/dockfile/types';
import type { ApiKeyRecord } from '../../../runtime/config/keys-file';
import type { RuntimeSettings } from '../../../runtime/config/runtime-settings';
import { CONTAINER_APP_DIR, defaultImageTag } from '../../build/docker-image';
import { REDACTED } from '../../build/spec-secrets';
import { CoreError } from '../../contracts';
import type { TrustLevel } from '../../contracts';
import type { Agent, Repositories } from '../../store';
import type { AgentVersion } from '../../store/versions-repository';
import { configObjectName, deploymentObjects, namespaceObject, portableObject } from './manifests';
import type { KubeDeploymentState, KubeObject } from './manifests';

type Language = RuntimeSettings['language'];

/** What an export is made from: the version's row, its bundle's redacted spec and the agent's key hashes. */
export interface ExportSource {
  agent: Agent;
  version: AgentVersion;
  /** `<data dir>/bundles/<agent>/<content hash>`. */
  bundleDir: string;
  /** The bundle's spec.json: secret-valued fields are REDACTED. */
  spec: DockSpec;
  language: Language;
  keys: ApiKeyRecord[];
}

export interface ExportOptions {
  /** Default: the agent's resource name (its own namespace, created with Pod Security restricted). */
  namespace?: string;
  /** Default: the version's image, else the tag a deploy builds (`agentdock/<agent>:<hash 12>`). */
  image?: string;
  /** Default STANDARD, as a deploy. */
  trust?: TrustLevel;
  /** Default 1, as a deploy. */
  replicas?: number;
  /** A RuntimeClass for sandboxed pods; a deploy picks one from the cluster, an export cannot look. CONFIDENTIAL requires one. */
  runtimeClassName?: string;
}

/** A field the bundle's spec shows as REDACTED, with the `${NAME}` variables the Dockfile fills it from. */
export interface SecretReference {
  /** Dotted path in the spec, e.g. `auth.jwt.secret_key`, `arguments.api_token`. */
  path: string;
  /** Variables named in the Dockfile at that path; a name made from the path when it had none (a literal). */
  variables: string[];
}

export interface AgentExport {
  source: ExportSource;
  /** What the renderer renders; `deploymentId` is the version label, so config objects are `<agent>-v<n>`. */
  state: KubeDeploymentState;
  /** The config bundle as the ConfigMap and Secret carry it: spec.json, runtime.json, keys.json, secrets.json. */
  files: Record<string, string>;
  /** In apply order: the Namespace first (unless it is `default`), then deploymentObjects(). */
  objects: KubeObject[];
  secrets: SecretReference[];
}

/** The field of a placeholder secrets.json that makes the runtime refuse it until someone fills it in. */
export const PLACEHOLDER_FIELD = 'agentdockPlaceholder';

/** Kubernetes' own default for Deployment.spec.progressDeadlineSeconds, as the target uses. */
const PROGRESS_DEADLINE_SECONDS = 600;

/** Finds the version and reads its bundle; E2004 / E2003 say where to look when either is missing. */
export async function loadExportSource(repositories: Repositories, dataDir: string, agentName: string, versionLabel: string): Promise<ExportSource> {
  const agent = repositories.agents.findByName(agentName);
  if (!agent) throw new CoreError('E2004', `No agent named ${agentName}; agentdock status lists the agents, and agentdock versions <agent> an agent's versions.`);
  const version = repositories.versions.findByLabel(agent.id, versionLabel);
  if (!version) throw new CoreError('E2003', `Agent ${agentName} has no version ${versionLabel}; see agentdock versions ${agentName}.`);
  const bundleDir = path.join(dataDir, 'bundles', agent.resourceName, version.contentHash);
  if (!existsSync(path.join(bundleDir, 'spec.json'))) {
    throw new CoreError('E2003', `The build of ${agentName} ${version.label} is no longer on disk (${bundleDir}); deploy it again from its source, or export a version agentdock versions ${agentName} lists with its build.`);
  }
  const spec = JSON.parse(await readFile(path.join(bundleDir, 'spec.json'), 'utf8')) as DockSpec;
  const manifest = JSON.parse(await readFile(path.join(bundleDir, 'manifest.json'), 'utf8')) as { language?: Language };
  return { agent, version, bundleDir, spec, language: manifest.language ?? 'javascript', keys: repositories.apiKeys.keysFile(agent.id) };
}

/** The objects and config files of `source` with `options`: what a deploy of that version would apply. */
export function exportAgent(source: ExportSource, options: ExportOptions = {}): AgentExport {
  const trust = options.trust ?? 'STANDARD';
  if (trust === 'CONFIDENTIAL' && !options.runtimeClassName) {
    throw new CoreError('E2021', 'Trust level CONFIDENTIAL needs a confidential-computing RuntimeClass; name the one your cluster has (e.g. kata-cc), or export as UNTRUSTED.');
  }
  const { agent, version } = source;
  const state: KubeDeploymentState = {
    deploymentId: version.label,
    agent: agent.name,
    resourceName: agent.resourceName,
    version: version.label,
    contentHash: version.contentHash,
    context: '',
    namespace: options.namespace ?? agent.resourceName,
    image: options.image ?? version.image?.ref ?? defaultImageTag({ agent: agent.name, resourceName: agent.resourceName, contentHash: version.contentHash, bundleDir: source.bundleDir, language: source.language }),
    imagePullPolicy: 'IfNotPresent',
    replicas: options.replicas ?? 1,
    configDir: '',
    trust,
    port: source.spec.expose.port ?? 8080,
    ...(options.runtimeClassName ? { runtimeClassName: options.runtimeClassName } : {}),
    progressDeadlineSeconds: PROGRESS_DEADLINE_SECONDS,
    desired: 'running',
    home: '',
    updatedAt: '',
  };
  const secrets = secretReferences(version.dockfileYaml, source.spec);
  const files = configFiles(source, secrets);
  // `default` always exists and is not AgentDock's to label; every other namespace comes with Pod Security restricted.
  const namespace = state.namespace === 'default' ? [] : [namespaceObject(state.namespace, '')];
  return { source, state, files, objects: [...namespace, ...deploymentObjects(state, files)].map(portableObject), secrets };
}

/** The config bundle a deploy writes (deployment-config.ts), minus every secret value. */
function configFiles(source: ExportSource, secrets: SecretReference[]): Record<string, string> {
  const settings: RuntimeSettings = { agentVersion: source.version.label, projectDir: `${CONTAINER_APP_DIR}/agent`, language: source.language, provider: { mode: 'simulated' } };
  return {
    'spec.json': JSON.stringify(source.spec),
    'runtime.json': JSON.stringify(settings),
    'keys.json': JSON.stringify({ keys: source.keys }),
    'secrets.json': placeholderSecrets(secrets),
  };
}

/** secrets.json with `${NAME}` where each value goes; `{}` when the spec needs none. */
function placeholderSecrets(secrets: SecretReference[]): string {
  const jwt = secrets.find((secret) => secret.path === 'auth.jwt.secret_key');
  if (!jwt) return '{}';
  const placeholder = {
    [PLACEHOLDER_FIELD]: `Replace each \${NAME} below with the secret's value from your secret manager (sealed-secrets, external-secrets) and delete this field; the runtime refuses this file while it is here.`,
    jwtSecret: jwt.variables.map((name) => `\${${name}}`).join(''),
  };
  return `${JSON.stringify(placeholder, null, 2)}\n`;
}

/** The spec's redacted fields and the Dockfile variables behind each (interpolation syntax of env-interpolation.ts). */
export function secretReferences(dockfileYaml: string, redactedSpec: unknown): SecretReference[] {
  let written: unknown;
  try {
    written = parseYaml(dockfileYaml);
  } catch {
    written = undefined;
  }
  const found: SecretReference[] = [];
  const walk = (value: unknown, source: unknown, at: string[]): void => {
    if (value === REDACTED) {
      const dotted = at.join('.');
      const variables = typeof source === 'string' ? referencedVariables(source) : [];
      found.push({ path: dotted, variables: variables.length > 0 ? variables : [dotted.toUpperCase().replace(/[^A-Z0-9]+/g, '_')] });
      return;
    }
    if (value === null || typeof value !== 'object') return;
    for (const [key, child] of Object.entries(value)) walk(child, source !== null && typeof source === 'object' ? (source as Record<string, unknown>)[key] : undefined, [...at, key]);
  };
  walk(redactedSpec, written, []);
  return found;
}

function referencedVariables(text: string): string[] {
  const result = interpolate(text, {});
  const names = [...result.problems.filter((problem) => problem.kind === 'unresolved').map((problem) => problem.variable), ...result.used.map((use) => use.variable)];
  return [...new Set(names)];
}

/** What to do about secrets, for the manifests' comment and the chart's README and NOTES. */
export function secretInstructions(exported: AgentExport): string[] {
  const name = configObjectName(exported.state);
  const jwt = exported.secrets.find((secret) => secret.path === 'auth.jwt.secret_key');
  const others = exported.secrets.filter((secret) => secret !== jwt);
  const lines = [
    `Secret ${name} holds keys.json and secrets.json. AgentDock never exports a secret's value.`,
    `keys.json: SHA-256 hashes of ${exported.source.agent.name}'s API keys (not secrets) as of this export; export again after agentdock key create, rotate or revoke.`,
  ];
  if (jwt) {
    lines.push(
      `secrets.json is a placeholder: fill it from your secret manager (sealed-secrets, external-secrets) rather than committing values.`,
      `  jwtSecret <- ${jwt.variables.map((variable) => `\${${variable}}`).join('')} (auth.jwt.secret_key, at least 16 characters)`,
      `  then delete "${PLACEHOLDER_FIELD}": the runtime refuses the file while it is there, so an unfilled placeholder never serves.`,
    );
  } else {
    lines.push('secrets.json is {}: this version needs no secret to start.');
  }
  lines.push('Optional in secrets.json: auditHashKey (16+ characters; keeps PII audit hashes stable across restarts) and env (NAME: value, the agent process environment).');
  for (const other of others) {
    lines.push(`spec.json shows ${REDACTED} at ${other.path} (\${${other.variables.join('}, ${')}}): the runtime reads that field from spec.json only, so the agent runs without its value.`);
  }
  return lines;
}

/** One multi-document YAML file (`kubectl apply -f`), the secret instructions above the Secret. */
export function manifestsYaml(exported: AgentExport): string {
  const { agent, version } = exported.source;
  const intro = [
    `${agent.name} ${version.label} (content hash ${version.contentHash}), exported by agentdock export.`,
    `What a deploy of this version applies, without this AgentDock install's labels.`,
    `Image: ${exported.state.image} (push it where your cluster pulls from, or export with --image).`,
  ];
  const documents = exported.objects.map((object, index) => {
    const document = new Document(object);
    const comment = [...(index === 0 ? intro : []), ...(object.kind === 'Secret' ? secretInstructions(exported) : [])];
    if (comment.length > 0) document.commentBefore = comment.map((line) => ` ${line}`).join('\n');
    return document;
  });
  return documents.map((document) => document.toString({ lineWidth: 0 })).join('---\n');
}

/** Writes `files` (relative path → content) under `root`, creating folders. */
export async function writeExportFiles(root: string, files: Readonly<Record<string, string>>): Promise<string[]> {
  const written: string[] = [];
  for (const [relative, content] of Object.entries(files)) {
    const file = path.join(root, relative);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, content);
    written.push(file);
  }
  return written;
}
