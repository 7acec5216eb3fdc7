/**
 * `agentdock export --format helm`: the exported objects (export.ts) as a Helm chart. Each template
 * is the renderer's own object with some fields swapped for `{{ .Values.… }}` expressions, so with
 * the default values `helm template` renders what the plain manifests hold (plus Helm's usual
 * labels), and every trust level renders what a deploy at that level would apply.
 *
 * How: the object tree gets holes (placeholder strings), is written as YAML, and each line with a
 * hole becomes template text: a scalar expression, or lines of template (an `if`, a `toYaml`).
 */
import { stringify } from 'yaml';
import { TRUST_LEVELS } from '../../contracts';
import type { TrustLevel } from '../../contracts';
import type { AgentExport } from './export';
import { secretInstructions } from './export';
import { ANNOTATIONS, autoscalerObject, configObjectName, LABELS, namespaceObject, networkPolicyObject, portableObject } from './manifests';
import type { KubeObject } from './manifests';

/** Labels Helm charts conventionally add (`helm create`): the only difference from the plain manifests. */
export const HELM_LABELS = ['helm.sh/chart', 'app.kubernetes.io/instance', LABELS.managedBy] as const;

const HOLE = /^(\s*)(.*?)__ADK_HOLE_(\d+)__$/;

type Hole = { kind: 'value'; expression: string } | { kind: 'lines'; render: (indent: string, key: string) => string[] };

/** YAML with holes: `value` puts `{{ expression }}` in place of a scalar, `lines` replaces a whole `key: …` line. */
class TemplateWriter {
  private readonly holes: Hole[] = [];

  value(expression: string): string {
    return this.add({ kind: 'value', expression });
  }

  lines(render: (indent: string, key: string) => string[]): string {
    return this.add({ kind: 'lines', render });
  }

  yaml(value: unknown, indent = ''): string[] {
    const out: string[] = [];
    for (const line of stringify(value, { lineWidth: 0 }).replace(/\n$/, '').split('\n')) {
      const match = HOLE.exec(line);
      const hole = match ? this.holes[Number(match[3])] : undefined;
      if (!match || !hole) out.push(`${indent}${line}`);
      else if (hole.kind === 'value') out.push(`${indent}${match[1]}${match[2]}{{ ${hole.expression} }}`);
      else out.push(...hole.render(`${indent}${match[1]}`, (match[2] ?? '').replace(/:\s*$/, '')));
    }
    return out;
  }

  private add(hole: Hole): string {
    this.holes.push(hole);
    return `__ADK_HOLE_${this.holes.length - 1}__`;
  }
}

/** The chart: its name (the agent's resource name, which Helm also wants as the folder name) and its files by relative path. */
export function helmChart(exported: AgentExport): { name: string; files: Record<string, string> } {
  const { state } = exported;
  const name = state.resourceName;
  const writer = new TemplateWriter();
  const include = (helper: string) => `include "${name}.${helper}" .`;
  const template = (object: KubeObject, condition?: string) => {
    const body = writer.yaml(object).join('\n');
    return condition ? `{{- if ${condition} }}\n${body}\n{{- end }}\n` : `${body}\n`;
  };
  const labelled = (object: KubeObject): KubeObject => {
    const copy = portableObject(object);
    if (copy.metadata.namespace) copy.metadata.namespace = writer.value(`${include('namespace')} | quote`);
    helmLabels(copy.metadata.labels ?? {});
    return copy;
  };
  const helmLabels = (labels: Record<string, string>) => {
    labels[LABELS.managedBy] = writer.value('.Release.Service | quote');
    if (labels[LABELS.trust]) labels[LABELS.trust] = writer.value(`${include('trust')} | quote`);
    labels['helm.sh/chart'] = writer.value(`${include('chart')} | quote`);
    labels['app.kubernetes.io/instance'] = writer.value('.Release.Name | quote');
  };
  const byKind = (kind: string) => {
    const object = exported.objects.find((each) => each.kind === kind);
    if (!object) throw new Error(`the export has no ${kind}`);
    return labelled(object);
  };

  const configMap = byKind('ConfigMap');
  configMap.data = Object.fromEntries(Object.keys(configMap.data as Record<string, string>).map((file) => [file, writer.value(`.Files.Get "files/${file}" | quote`)]));
  const secret = byKind('Secret');
  secret.stringData = Object.fromEntries(Object.keys(secret.stringData as Record<string, string>).map((file) => [file, writer.value(`.Files.Get "files/${file}" | quote`)]));

  const networkPolicy = byKind('NetworkPolicy');
  networkPolicy.spec = writer.lines((indent, key) => [`${indent}${key}:`, ...byTrust(writer, `${indent}  `, include('trust'), (trust) => networkPolicyObject({ ...state, trust }).spec)]);

  const deployment = byKind('Deployment');
  templateDeployment(writer, deployment, { include, helmLabels, secretName: configObjectName(state) });

  const autoscaler = labelled(autoscalerObject({ ...state, autoscale: { minReplicas: 1, maxReplicas: 1, cpuPercent: 70, memoryPercent: 80 } }));
  const hpaSpec = autoscaler.spec as { minReplicas: unknown; maxReplicas: unknown; metrics: { resource: { target: { averageUtilization: unknown } } }[] };
  hpaSpec.minReplicas = writer.value('.Values.autoscaling.minReplicas');
  hpaSpec.maxReplicas = writer.value('.Values.autoscaling.maxReplicas');
  const [cpu, memory] = hpaSpec.metrics;
  if (cpu) cpu.resource.target.averageUtilization = writer.value('.Values.autoscaling.targetCPUUtilizationPercentage');
  if (memory) memory.resource.target.averageUtilization = writer.value('.');
  hpaSpec.metrics = writer.lines((indent, key) => [
    `${indent}${key}:`,
    ...writer.yaml([cpu], `${indent}  `),
    `${indent}  {{- with .Values.autoscaling.targetMemoryUtilizationPercentage }}`,
    ...writer.yaml([memory], `${indent}  `),
    `${indent}  {{- end }}`,
  ]) as unknown as typeof hpaSpec.metrics;

  const namespace = labelled(namespaceObject(state.namespace, ''));
  namespace.metadata.name = writer.value(`${include('namespace')} | quote`);

  const files: Record<string, string> = {
    'Chart.yaml': chartYaml(exported),
    'values.yaml': valuesYaml(exported),
    'README.md': readme(exported),
    'templates/_helpers.tpl': helpers(name),
    'templates/NOTES.txt': notes(exported, include),
    'templates/namespace.yaml': `{{- if and .Values.createNamespace (eq (${include('namespace')}) .Release.Namespace) }}\n{{- fail "createNamespace cannot create the release's own namespace (Helm stores the release there first): set namespace to another one, or create it beforehand with the Pod Security labels in README.md" }}\n{{- end }}\n${template(namespace, '.Values.createNamespace')}`,
    'templates/configmap.yaml': template(configMap),
    'templates/secret.yaml': `# A placeholder unless config.existingSecret names a Secret you manage: see README.md.\n${template(secret, 'not .Values.config.existingSecret')}`,
    'templates/service.yaml': template(byKind('Service')),
    'templates/networkpolicy.yaml': template(networkPolicy),
    'templates/poddisruptionbudget.yaml': template(byKind('PodDisruptionBudget')),
    'templates/deployment.yaml': template(deployment),
    'templates/hpa.yaml': template(autoscaler, '.Values.autoscaling.enabled'),
  };
  for (const [file, content] of Object.entries(exported.files)) files[`files/${file}`] = content;
  return { name, files };
}

/** The Deployment's holes: replicas, image, resources, trust, runtime class, pull secrets, and the Secret it mounts. */
function templateDeployment(
  writer: TemplateWriter,
  deployment: KubeObject,
  context: { include: (helper: string) => string; helmLabels: (labels: Record<string, string>) => void; secretName: string },
): void {
  const { include } = context;
  deployment.metadata.annotations = { ...deployment.metadata.annotations, [ANNOTATIONS.replicas]: writer.value(`${include('replicas')} | quote`) };
  type Container = { image: unknown; imagePullPolicy: unknown; resources: unknown; securityContext: { readOnlyRootFilesystem: unknown } };
  type Volume = { projected?: { sources: { secret?: { name: unknown } }[] } };
  const spec = deployment.spec as { replicas?: unknown; template: { metadata: { labels: Record<string, string> }; spec: Record<string, unknown> & { containers: Container[]; volumes: Volume[] } } };
  spec.replicas = writer.lines((indent, key) => [`${indent}{{- if not .Values.autoscaling.enabled }}`, `${indent}${key}: {{ .Values.replicaCount }}`, `${indent}{{- end }}`]);
  context.helmLabels(spec.template.metadata.labels);
  const pod = spec.template.spec;
  pod.runtimeClassName = writer.lines((indent, key) => [`${indent}{{- with .Values.runtimeClassName }}`, `${indent}${key}: {{ . | quote }}`, `${indent}{{- end }}`]);
  pod.imagePullSecrets = writer.lines((indent, key) => [`${indent}{{- with .Values.imagePullSecrets }}`, `${indent}${key}:`, `${indent}  {{- toYaml . | nindent ${indent.length + 2} }}`, `${indent}{{- end }}`]);
  for (const container of pod.containers) {
    container.image = writer.value(`${include('image')} | quote`);
    container.imagePullPolicy = writer.value('.Values.image.pullPolicy | quote');
    container.resources = writer.lines((indent, key) => [`${indent}${key}:`, `${indent}  {{- toYaml .Values.resources | nindent ${indent.length + 2} }}`]);
    container.securityContext.readOnlyRootFilesystem = writer.value(`ne (${include('trust')}) "TRUSTED"`);
  }
  for (const volume of pod.volumes) {
    for (const source of volume.projected?.sources ?? []) if (source.secret) source.secret.name = writer.value(`.Values.config.existingSecret | default "${context.secretName}" | quote`);
  }
}

/** One branch per distinct rendering across the trust levels (UNTRUSTED and CONFIDENTIAL often share one). */
function byTrust(writer: TemplateWriter, indent: string, trustHelper: string, render: (trust: TrustLevel) => unknown): string[] {
  const groups: { levels: TrustLevel[]; lines: string[] }[] = [];
  for (const trust of TRUST_LEVELS) {
    const lines = writer.yaml(render(trust), indent);
    const same = groups.find((group) => group.lines.join('\n') === lines.join('\n'));
    if (same) same.levels.push(trust);
    else groups.push({ levels: [trust], lines });
  }
  const out = [`${indent}{{- $trust := ${trustHelper} }}`];
  groups.forEach((group, index) => {
    const test = group.levels.length === 1 ? `eq $trust "${group.levels[0]}"` : `or ${group.levels.map((level) => `(eq $trust "${level}")`).join(' ')}`;
    const keyword = index === 0 ? 'if' : index === groups.length - 1 ? 'else' : 'else if';
    out.push(`${indent}{{- ${keyword}${keyword === 'else' ? '' : ` ${test}`} }}${keyword === 'else' ? `{{/* ${group.levels.join(', ')} */}}` : ''}`, ...group.lines);
  });
  out.push(`${indent}{{- end }}`);
  return out;
}

function chartYaml(exported: AgentExport): string {
  const { agent, version } = exported.source;
  return stringify(
    {
      apiVersion: 'v2',
      name: exported.state.resourceName,
      description: `${agent.name} ${version.label}, an AgentDock agent (exported by agentdock export)`,
      type: 'application',
      // Helm wants SemVer; each AgentDock version of the agent is a new minor release of its chart.
      version: `0.${version.number}.0`,
      appVersion: version.label,
      annotations: { [ANNOTATIONS.agentName]: agent.name, [ANNOTATIONS.contentHash]: version.contentHash },
    },
    { lineWidth: 0 },
  );
}

/** An image reference as repository, tag and digest (a registry port's colon is not a tag). */
export function splitImageRef(ref: string): { repository: string; tag: string; digest: string } {
  const at = ref.indexOf('@');
  const digest = at >= 0 ? ref.slice(at + 1) : '';
  const named = at >= 0 ? ref.slice(0, at) : ref;
  const colon = named.lastIndexOf(':');
  return colon > named.lastIndexOf('/') ? { repository: named.slice(0, colon), tag: named.slice(colon + 1), digest } : { repository: named, tag: '', digest };
}

function valuesYaml(exported: AgentExport): string {
  const { state } = exported;
  const image = splitImageRef(state.image);
  const deployment = exported.objects.find((object) => object.kind === 'Deployment');
  const resources = (deployment?.spec as { template: { spec: { containers: { resources: unknown }[] } } } | undefined)?.template.spec.containers[0]?.resources;
  const indented = (value: unknown) => stringify(value, { lineWidth: 0 }).replace(/\n$/, '').split('\n').map((line) => `  ${line}`).join('\n');
  const q = (value: string) => JSON.stringify(value);
  return `# ${exported.source.agent.name} ${exported.source.version.label}, exported by agentdock export. With these values,
# \`helm template\` renders what \`agentdock export --format manifests\` writes (plus Helm's labels).

image:
  repository: ${q(image.repository)}
  tag: ${q(image.tag)}
  # Pins the image by digest (sha256:…) when set.
  digest: ${q(image.digest)}
  pullPolicy: ${state.imagePullPolicy}
# docker-registry Secrets in the namespace for a private registry, e.g. [{ name: regcred }].
imagePullSecrets: []

# Replicas when autoscaling is off.
replicaCount: ${state.replicas}

# Per replica; requests are a quarter of the CPU and half of the memory limit, as a deploy sets them.
resources:
${indented(resources)}

autoscaling:
  enabled: false
  minReplicas: 1
  maxReplicas: 3
  targetCPUUtilizationPercentage: 70
  # A memory target (percent of the request) as well; null for none.
  targetMemoryUtilizationPercentage: null

# TRUSTED, STANDARD, UNTRUSTED or CONFIDENTIAL: the NetworkPolicy (STANDARD: out to DNS and the public
# internet only; UNTRUSTED and CONFIDENTIAL: nothing out) and the read-only root filesystem (all but TRUSTED).
trust: ${state.trust}
# A sandboxing RuntimeClass of your cluster (gVisor for STANDARD, Kata for UNTRUSTED); CONFIDENTIAL requires one.
runtimeClassName: ${q(state.runtimeClassName ?? '')}

# Where the objects go; empty for the release namespace.
namespace: ${q(state.namespace)}
# Also create that namespace with Pod Security "restricted" (it must not be the release namespace).
createNamespace: false

config:
  # A Secret you manage (sealed-secrets, external-secrets) with the keys keys.json and secrets.json;
  # empty: the chart's Secret from files/keys.json and the placeholder files/secrets.json (README.md).
  existingSecret: ""
`;
}

function helpers(name: string): string {
  return `{{/* The namespace of every object: values.namespace, else the release's. */}}
{{- define "${name}.namespace" -}}
{{- .Values.namespace | default .Release.Namespace -}}
{{- end -}}

{{/* helm.sh/chart label. */}}
{{- define "${name}.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* The trust level, checked: a typo must not fall through to the most permissive branch. */}}
{{- define "${name}.trust" -}}
{{- if not (has .Values.trust (list ${TRUST_LEVELS.map((level) => `"${level}"`).join(' ')})) -}}
{{- fail (printf "trust must be one of ${TRUST_LEVELS.join(', ')}, not %q" .Values.trust) -}}
{{- end -}}
{{- if and (eq .Values.trust "CONFIDENTIAL") (not .Values.runtimeClassName) -}}
{{- fail "trust CONFIDENTIAL needs runtimeClassName: a confidential-computing RuntimeClass of your cluster (e.g. kata-cc)" -}}
{{- end -}}
{{- .Values.trust -}}
{{- end -}}

{{/* repository[:tag][@digest] */}}
{{- define "${name}.image" -}}
{{- .Values.image.repository -}}
{{- with .Values.image.tag }}:{{ . }}{{ end -}}
{{- with .Values.image.digest }}@{{ . }}{{ end -}}
{{- end -}}

{{/* The replica count AgentDock records on the Deployment (the autoscaler's minimum when it scales). */}}
{{- define "${name}.replicas" -}}
{{- if .Values.autoscaling.enabled -}}
{{- .Values.autoscaling.minReplicas -}}
{{- else -}}
{{- .Values.replicaCount -}}
{{- end -}}
{{- end -}}
`;
}

function notes(exported: AgentExport, include: (helper: string) => string): string {
  const { state } = exported;
  return `${exported.source.agent.name} {{ .Chart.AppVersion }} is installed in namespace {{ ${include('namespace')} }} (trust {{ ${include('trust')} }}).

In the cluster: http://${state.resourceName}.{{ ${include('namespace')} }}.svc:${state.port}
From here:      kubectl -n {{ ${include('namespace')} }} port-forward svc/${state.resourceName} ${state.port}:${state.port}
{{- if not .Values.config.existingSecret }}

The Secret ${configObjectName(state)} comes from files/secrets.json, a placeholder with no secret value:
see README.md, and prefer config.existingSecret with a Secret from your secret manager.
{{- end }}
`;
}

function readme(exported: AgentExport): string {
  const { state, source } = exported;
  return `# ${source.agent.name} ${source.version.label}

An AgentDock agent as a Helm chart, exported by \`agentdock export ${source.agent.name} ${source.version.label} --format helm\`
(content hash ${source.version.contentHash}). With the default values, \`helm template\` renders what a
deploy of this version applies; \`agentdock export --format manifests\` writes the same objects as plain YAML.

## Install

Fill the secrets first (below). The namespace should enforce Pod Security "restricted", as a deploy creates it:

    kubectl create namespace ${state.namespace}
    kubectl label namespace ${state.namespace} pod-security.kubernetes.io/enforce=restricted pod-security.kubernetes.io/enforce-version=latest
    helm install ${state.resourceName} . --namespace ${state.namespace}

The image is \`${state.image}\`: push it to a registry your cluster pulls from (agentdock deploy builds it)
and set \`image.repository\` and \`image.tag\`, or \`image.digest\`.

## Secrets

${secretInstructions(exported).map((line) => (line.startsWith('  ') ? `    ${line.trim()}` : `- ${line}`)).join('\n')}

Set \`config.existingSecret\` to a Secret you manage (sealed-secrets, external-secrets) holding the keys
\`keys.json\` (copy files/keys.json) and \`secrets.json\`; the chart's own Secret is then not rendered.

## Files

- \`files/spec.json\`: the frozen Dockfile spec (secret fields redacted), \`files/runtime.json\`: runtime settings.
- \`files/keys.json\`, \`files/secrets.json\`: the Secret's content (see above).
`;
}
