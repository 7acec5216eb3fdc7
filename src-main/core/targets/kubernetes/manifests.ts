/**
 * The Kubernetes objects of one agent deployment, as plain objects for server-side apply (and for
 * `agentdock export`). Pure: the same state and config give the same objects, so a re-apply is a
 * no-op and an exported chart matches what a deploy would create.
 *
 * Per agent and namespace (taken over by each new version): Deployment, Service, NetworkPolicy,
 * PodDisruptionBudget and, when autoscaling, a HorizontalPodAutoscaler — all named after the
 * agent's resource name. Per deployment (one version's config): a ConfigMap with the frozen config
 * and a Secret with keys and secrets, named `<agent>-<deployment short id>`, so each ReplicaSet's
 * pods keep reading their own version's config through a rollout and a rollback.
 */
import { CONTAINER_CONFIG_DIR, CONTAINER_USER } from '../../build/docker-image';
import type { Autoscale, ResourceLimits, TrustLevel } from '../../contracts';
import { shortId } from '../deployment-identity';
import type { DesiredState } from '../deployment-identity';

/** What the Kubernetes target stores per deployment (state-files.ts): enough to re-render every object. */
export interface KubeDeploymentState {
  deploymentId: string;
  agent: string;
  resourceName: string;
  version: string;
  contentHash: string;
  context: string;
  namespace: string;
  image: string;
  imagePullPolicy: 'Always' | 'IfNotPresent' | 'Never';
  /** Name of a docker-registry Secret in the namespace, when the registry needs credentials. */
  imagePullSecret?: string;
  replicas: number;
  /** The controller's config bundle for this deployment (a path; its contents go to the ConfigMap and Secret). */
  configDir: string;
  trust: TrustLevel;
  resources?: ResourceLimits;
  port: number;
  autoscale?: Autoscale;
  /** RuntimeClass for the trust level, when the cluster offers one (trust-runtimes.ts). */
  runtimeClassName?: string;
  progressDeadlineSeconds: number;
  desired: DesiredState;
  /** Set by restart: a new value in the pod template makes a new ReplicaSet (a rolling restart). */
  restartedAt?: string;
  /** Hash of the data dir that created it: one cluster may serve several AgentDock installs. */
  home: string;
  updatedAt: string;
}

export type KubeObject = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [field: string]: unknown;
};

export const FIELD_MANAGER = 'agentdock';

export const LABELS = {
  name: 'app.kubernetes.io/name',
  managedBy: 'app.kubernetes.io/managed-by',
  version: 'app.kubernetes.io/version',
  component: 'app.kubernetes.io/component',
  agent: 'agentdock.dev/agent',
  deployment: 'agentdock.dev/deployment',
  home: 'agentdock.dev/home',
  trust: 'agentdock.dev/trust',
} as const;

export const ANNOTATIONS = {
  agentName: 'agentdock.dev/agent-name',
  deployment: 'agentdock.dev/deployment',
  version: 'agentdock.dev/version',
  contentHash: 'agentdock.dev/content-hash',
  replicas: 'agentdock.dev/replicas',
  desired: 'agentdock.dev/desired-state',
  restartedAt: 'agentdock.dev/restarted-at',
} as const;

export const MANAGED_BY = 'agentdock';
export const CONTAINER_NAME = 'runtime';
/** Files of the config bundle that hold credentials go to the Secret; the rest to the ConfigMap. */
export const SECRET_FILES = new Set(['keys.json', 'secrets.json']);

const DEFAULT_RESOURCES = { cpus: 1, memoryMb: 512 };

/** Name of the deployment's ConfigMap and Secret: `<agent>-<short id>`, within the 63-character limit. */
export function configObjectName(state: Pick<KubeDeploymentState, 'resourceName' | 'deploymentId'>): string {
  return `${state.resourceName.slice(0, 50).replace(/-+$/, '')}-${shortId(state.deploymentId)}`;
}

/** Selects every pod of the agent in its namespace, whichever version (the Deployment's immutable selector). */
export function agentSelector(resourceName: string): Record<string, string> {
  return { [LABELS.agent]: resourceName };
}

function commonLabels(state: KubeDeploymentState, component: string): Record<string, string> {
  return {
    [LABELS.name]: state.resourceName,
    [LABELS.managedBy]: MANAGED_BY,
    [LABELS.version]: state.version,
    [LABELS.component]: component,
    [LABELS.agent]: state.resourceName,
    [LABELS.deployment]: state.deploymentId,
    [LABELS.home]: state.home,
    [LABELS.trust]: state.trust,
  };
}

function commonAnnotations(state: KubeDeploymentState): Record<string, string> {
  return {
    [ANNOTATIONS.agentName]: state.agent,
    [ANNOTATIONS.deployment]: state.deploymentId,
    [ANNOTATIONS.version]: state.version,
    [ANNOTATIONS.contentHash]: state.contentHash,
  };
}

function meta(state: KubeDeploymentState, name: string, component: string): KubeObject['metadata'] {
  return { name, namespace: state.namespace, labels: commonLabels(state, component), annotations: commonAnnotations(state) };
}

/**
 * Pod Security admission for a namespace AgentDock creates: `restricted` for every trust level.
 * The pods satisfy it at every level (non-root, no privilege escalation, all capabilities dropped,
 * seccomp RuntimeDefault); TRUSTED only relaxes the read-only root filesystem, which the
 * restricted profile does not cover.
 */
export function namespaceObject(namespace: string, home: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name: namespace,
      labels: {
        [LABELS.managedBy]: MANAGED_BY,
        [LABELS.home]: home,
        'pod-security.kubernetes.io/enforce': 'restricted',
        'pod-security.kubernetes.io/enforce-version': 'latest',
        'pod-security.kubernetes.io/warn': 'restricted',
        'pod-security.kubernetes.io/audit': 'restricted',
      },
    },
  };
}

function quantityCpu(cpus: number): string {
  return `${Math.max(1, Math.round(cpus * 1000))}m`;
}

/** The Deployment: hardened pods of the runtime image, probes on the runtime's own endpoints. */
export function deploymentObject(state: KubeDeploymentState): KubeObject {
  const limits = { ...DEFAULT_RESOURCES, ...state.resources };
  const configName = configObjectName(state);
  const running = state.desired === 'running';
  const podLabels = { ...agentSelector(state.resourceName), [LABELS.name]: state.resourceName, [LABELS.managedBy]: MANAGED_BY, [LABELS.version]: state.version, [LABELS.deployment]: state.deploymentId, [LABELS.home]: state.home };
  const probe = (path: string, periodSeconds: number, failureThreshold: number) => ({ httpGet: { path, port: 'http' }, periodSeconds, failureThreshold, timeoutSeconds: 2 });
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      ...meta(state, state.resourceName, 'agent'),
      annotations: { ...commonAnnotations(state), [ANNOTATIONS.replicas]: String(state.replicas), [ANNOTATIONS.desired]: state.desired },
    },
    spec: {
      // With an autoscaler, replicas belong to it (a stopped agent is scaled to 0 all the same).
      ...(state.autoscale && running ? {} : { replicas: running ? state.replicas : 0 }),
      selector: { matchLabels: agentSelector(state.resourceName) },
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: state.progressDeadlineSeconds,
      // Zero downtime: a new pod must be ready before an old one goes.
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
      template: {
        metadata: { labels: podLabels, annotations: { ...commonAnnotations(state), ...(state.restartedAt ? { [ANNOTATIONS.restartedAt]: state.restartedAt } : {}) } },
        spec: {
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          terminationGracePeriodSeconds: 30,
          ...(state.runtimeClassName ? { runtimeClassName: state.runtimeClassName } : {}),
          ...(state.imagePullSecret ? { imagePullSecrets: [{ name: state.imagePullSecret }] } : {}),
          securityContext: {
            runAsNonRoot: true,
            runAsUser: Number(CONTAINER_USER),
            runAsGroup: Number(CONTAINER_USER),
            fsGroup: Number(CONTAINER_USER),
            seccompProfile: { type: 'RuntimeDefault' },
          },
          containers: [
            {
              name: CONTAINER_NAME,
              image: state.image,
              imagePullPolicy: state.imagePullPolicy,
              ports: [{ name: 'http', containerPort: state.port, protocol: 'TCP' }],
              env: [
                { name: 'AGENTDOCK_CONFIG_DIR', value: CONTAINER_CONFIG_DIR },
                { name: 'AGENTDOCK_HOST', value: '0.0.0.0' },
                { name: 'AGENTDOCK_PORT', value: String(state.port) },
                { name: 'AGENTDOCK_STATE_DIR', value: '/tmp/agentdock' },
                { name: 'AGENTDOCK_REPLICA', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
              ],
              resources: {
                requests: { cpu: quantityCpu(limits.cpus / 4), memory: `${Math.max(32, Math.round(limits.memoryMb / 2))}Mi` },
                limits: { cpu: quantityCpu(limits.cpus), memory: `${limits.memoryMb}Mi` },
              },
              securityContext: {
                runAsNonRoot: true,
                allowPrivilegeEscalation: false,
                privileged: false,
                readOnlyRootFilesystem: state.trust !== 'TRUSTED',
                capabilities: { drop: ['ALL'] },
                seccompProfile: { type: 'RuntimeDefault' },
              },
              // Startup allows a slow first load (Python imports) before liveness starts counting.
              startupProbe: probe('/health', 2, 60),
              readinessProbe: probe('/ready', 5, 2),
              livenessProbe: probe('/health', 10, 3),
              volumeMounts: [
                { name: 'config', mountPath: CONTAINER_CONFIG_DIR, readOnly: true },
                { name: 'tmp', mountPath: '/tmp' },
              ],
            },
          ],
          volumes: [
            {
              name: 'config',
              projected: {
                defaultMode: 0o440,
                sources: [{ configMap: { name: configName } }, { secret: { name: configName } }],
              },
            },
            { name: 'tmp', emptyDir: { medium: 'Memory', sizeLimit: '64Mi' } },
          ],
        },
      },
    },
  };
}

export function serviceObject(state: KubeDeploymentState): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: meta(state, state.resourceName, 'agent'),
    spec: {
      type: 'ClusterIP',
      selector: agentSelector(state.resourceName),
      ports: [{ name: 'http', port: state.port, targetPort: 'http', protocol: 'TCP' }],
    },
  };
}

export function autoscalerObject(state: KubeDeploymentState & { autoscale: Autoscale }): KubeObject {
  const { autoscale } = state;
  const utilization = (name: 'cpu' | 'memory', averageUtilization: number) => ({ type: 'Resource', resource: { name, target: { type: 'Utilization', averageUtilization } } });
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: meta(state, state.resourceName, 'agent'),
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: state.resourceName },
      minReplicas: autoscale.minReplicas,
      maxReplicas: autoscale.maxReplicas,
      metrics: [utilization('cpu', autoscale.cpuPercent ?? 70), ...(autoscale.memoryPercent ? [utilization('memory', autoscale.memoryPercent)] : [])],
    },
  };
}

const PRIVATE_RANGES = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '169.254.0.0/16', '100.64.0.0/10'];
const DNS_EGRESS = {
  to: [{ namespaceSelector: {}, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
  ports: [
    { protocol: 'UDP', port: 53 },
    { protocol: 'TCP', port: 53 },
  ],
};

/**
 * Network by trust level (seed 001): TRUSTED — in from anywhere, out anywhere; STANDARD — in on
 * the runtime's port, out to DNS and the public internet only (no cluster or private addresses:
 * no lateral movement, no cloud metadata endpoint); UNTRUSTED and CONFIDENTIAL — in on the port,
 * nothing out at all. Enforced by the cluster's network plugin (stored but not enforced where it
 * has none).
 */
export function networkPolicyObject(state: KubeDeploymentState): KubeObject {
  const ingressOnPort = [{ ports: [{ protocol: 'TCP', port: state.port }] }];
  const egress = state.trust === 'TRUSTED' ? [{}] : state.trust === 'STANDARD' ? [DNS_EGRESS, { to: [{ ipBlock: { cidr: '0.0.0.0/0', except: PRIVATE_RANGES } }] }] : [];
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: meta(state, state.resourceName, 'agent'),
    spec: {
      podSelector: { matchLabels: agentSelector(state.resourceName) },
      policyTypes: ['Ingress', 'Egress'],
      ingress: state.trust === 'TRUSTED' ? [{}] : ingressOnPort,
      egress,
    },
  };
}

/** Voluntary disruptions (node drains) take one pod at a time. */
export function disruptionBudgetObject(state: KubeDeploymentState): KubeObject {
  return {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: meta(state, state.resourceName, 'agent'),
    spec: { maxUnavailable: 1, selector: { matchLabels: agentSelector(state.resourceName) } },
  };
}

/** The deployment's config bundle: credentials in a Secret, the rest (frozen spec, runtime settings) in a ConfigMap. */
export function configObjects(state: KubeDeploymentState, files: Readonly<Record<string, string>>): KubeObject[] {
  const plain: Record<string, string> = {};
  const secret: Record<string, string> = {};
  for (const [name, content] of Object.entries(files)) (SECRET_FILES.has(name) ? secret : plain)[name] = content;
  const name = configObjectName(state);
  return [
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta(state, name, 'config'), data: plain },
    { apiVersion: 'v1', kind: 'Secret', metadata: meta(state, name, 'config'), type: 'Opaque', stringData: secret },
  ];
}

/** Every object of a deployment except the namespace, in apply order (config before the pods that mount it). */
export function deploymentObjects(state: KubeDeploymentState, files: Readonly<Record<string, string>>): KubeObject[] {
  return [
    ...configObjects(state, files),
    serviceObject(state),
    networkPolicyObject(state),
    disruptionBudgetObject(state),
    deploymentObject(state),
    ...(state.autoscale ? [autoscalerObject({ ...state, autoscale: state.autoscale })] : []),
  ];
}

/**
 * An object as it leaves this install (`agentdock export`): a deep copy without the
 * `agentdock.dev/home` label, which ties objects to one data dir. A copy applied by kubectl or a
 * GitOps tool then never passes for a deploy of this install, and any install refuses to take it over.
 */
export function portableObject(object: KubeObject): KubeObject {
  const copy = structuredClone(object);
  const drop = (labels: Record<string, string> | undefined) => void (labels && delete labels[LABELS.home]);
  drop(copy.metadata.labels);
  drop((copy.spec as { template?: { metadata?: { labels?: Record<string, string> } } } | undefined)?.template?.metadata?.labels);
  return copy;
}
