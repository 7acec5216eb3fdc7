/**
 * The console contract (ARCHITECTURE.md §3): every request (`domain:verb` → input, result,
 * progress) and every event stream, declared once. Main validates each input with the zod schema
 * here and checks the role before a handler runs; the renderer gets types from the same object.
 * Electron IPC and the serve-mode WebSocket both carry it (protocol.ts); the renderer cannot
 * tell them apart. Adding a channel here without a handler in main fails to compile
 * (src-main/core/console/handlers.ts), and contract.type-test.ts locks the shapes.
 */
import { z } from 'zod';
import type {
  AgentDetail,
  AgentRow,
  ApiKeyRow,
  AppInfo,
  ConsoleRole,
  DeployOutcome,
  DeployProgress,
  DockfileReport,
  EnvironmentReport,
  FleetChange,
  InvocationResult,
  PlaygroundStreamEvent,
  LifecycleOutcome,
  LiveEvent,
  ProjectFile,
  SecretRow,
} from './console-types';
import type { AgentMetricsReport, AgentOpenApi, AgentPolicies, LogTailBatch } from './observe-types';
import type { AlertChannelRow, AuditPage, ChannelTestResult, KubeConnectionTest, RegistryRow, SettingsSnapshot, TargetsStatus } from './admin-types';
import type { BudgetRaiseResult, ControlSnapshot, NotificationChange, NotificationRow } from './control-types';
import type { KubeNamespaceList } from './kube-types';
import type { DemoEvent, DemoSummary } from './demo-types';
import * as admin from './admin-inputs';
import { FRAMEWORKS } from '../dockfile/schema';
import { REQUEST_ROLES, STREAM_ROLES } from './roles';

/** A request: input schema, the least role allowed, and phantom result/progress types. */
export interface RequestDefinition<Input extends z.ZodType = z.ZodType, Output = unknown, Progress = never> {
  readonly kind: 'request';
  readonly input: Input;
  readonly role: ConsoleRole;
  readonly summary: string;
  /** Type carriers only; never set. */
  readonly output?: Output;
  readonly progress?: Progress;
}

/** A stream: input schema, the least role allowed, and the phantom event type. */
export interface StreamDefinition<Input extends z.ZodType = z.ZodType, Event = unknown> {
  readonly kind: 'stream';
  readonly input: Input;
  readonly role: ConsoleRole;
  readonly summary: string;
  readonly event?: Event;
}

/** `request<Result, Progress>()({ input, role, summary })`: the types first, the runtime parts second. */
function request<Output, Progress = never>() {
  return <Input extends z.ZodType>(definition: { input: Input; role: ConsoleRole; summary: string }): RequestDefinition<Input, Output, Progress> => ({ kind: 'request', ...definition });
}

function stream<Event>() {
  return <Input extends z.ZodType>(definition: { input: Input; role: ConsoleRole; summary: string }): StreamDefinition<Input, Event> => ({ kind: 'stream', ...definition });
}

// Shared field schemas: the same rules as the control plane's, so a bad name fails here with a
// field path instead of deep inside a handler.
const agentName = z.string().min(1).max(63).regex(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/, 'an agent name: lowercase letters, digits and dashes');
const versionLabel = z.string().regex(/^v?\d+$/, 'a version such as v3');
const target = z.enum(['process', 'docker', 'kubernetes']);
const absolutePath = z.string().min(1).max(4096).refine((value) => value.startsWith('/') || /^[A-Za-z]:[\\/]/.test(value), 'an absolute path');
const environment = z.enum(['dev', 'prod']);
const secretName = z.string().regex(/^[A-Z_][A-Z0-9_]{0,127}$/, 'UPPER_SNAKE_CASE');
// kubeconfig context names are free text (EKS ARNs, gke_project_zone_name, user@cluster): anything printable.
const kubeContext = z.string().min(1).max(253).regex(/^[^\p{Cc}]+$/u, 'a kubeconfig context name (no control characters)');
const kubeNamespace = z.string().min(1).max(63).regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'a namespace name: lowercase letters, digits and dashes, at most 63, starting and ending with a letter or digit');
const kubernetesPlacement = z
  .object({
    context: kubeContext.optional(),
    namespace: kubeNamespace.optional(),
    autoscale: z
      .object({ minReplicas: z.number().int().min(1).max(100), maxReplicas: z.number().int().min(1).max(1000), cpuPercent: z.number().int().min(1).max(100).optional() })
      .strict()
      .refine((autoscale) => autoscale.maxReplicas >= autoscale.minReplicas, { message: 'maxReplicas must be at least minReplicas', path: ['maxReplicas'] })
      .optional(),
  })
  .strict();
const none = z.object({}).strict();

export const consoleContract = {
  requests: {
    'app:info': request<AppInfo>()({ input: none, role: REQUEST_ROLES['app:info'], summary: 'Which console this is and who is signed in.' }),
    'environment:detect': request<EnvironmentReport>()({ input: none, role: REQUEST_ROLES['environment:detect'], summary: 'Docker engine and kubeconfig contexts found on this machine.' }),

    'agents:list': request<AgentRow[]>()({ input: none, role: REQUEST_ROLES['agents:list'], summary: 'The fleet table.' }),
    'agents:get': request<AgentDetail>()({ input: z.object({ agent: agentName }).strict(), role: REQUEST_ROLES['agents:get'], summary: 'One agent: versions, deployments, active Dockfile and schemas.' }),
    'agents:lifecycle': request<LifecycleOutcome[]>()({
      input: z.object({ agents: z.array(agentName).min(1).max(1000), action: z.enum(['stop', 'start', 'restart', 'suspend', 'resume', 'delete']), target: target.optional() }).strict(),
      role: REQUEST_ROLES['agents:lifecycle'],
      summary: 'Stop, start, restart, suspend, resume or delete agents (delete: admin).',
    }),
    'agents:invoke': request<InvocationResult>()({
      input: z.object({ agent: agentName, input: z.record(z.string(), z.unknown()), target: target.optional() }).strict(),
      role: REQUEST_ROLES['agents:invoke'],
      summary: 'Playground: invoke the active version through its runtime (auth, policy and budget apply).',
    }),

    'metrics:agent': request<AgentMetricsReport>()({
      input: z.object({ agent: agentName, window: z.enum(['1h', '24h', '7d', '30d']) }).strict(),
      role: REQUEST_ROLES['metrics:agent'],
      summary: "One agent's totals and a bucketed series (latency p50/p95/p99, requests, errors, tokens, cost) from the telemetry rollups.",
    }),
    'policies:get': request<AgentPolicies>()({ input: z.object({ agent: agentName }).strict(), role: REQUEST_ROLES['policies:get'], summary: "The active version's policy rules and the last 24 hours of violations." }),
    'agents:openapi': request<AgentOpenApi>()({ input: z.object({ agent: agentName }).strict(), role: REQUEST_ROLES['agents:openapi'], summary: "The active version's input/output schemas and OpenAPI document." }),

    'versions:dockfile': request<{ yaml: string }>()({ input: z.object({ agent: agentName, version: versionLabel }).strict(), role: REQUEST_ROLES['versions:dockfile'], summary: 'The Dockfile a version was made from.' }),

    'dockfile:validate': request<DockfileReport>()({
      input: z.object({ text: z.string().max(1_048_576), file: absolutePath.optional() }).strict(),
      role: REQUEST_ROLES['dockfile:validate'],
      summary: 'Full validation of an editor buffer, project checks included when it names its file.',
    }),
    'project:open': request<ProjectFile>()({ input: z.object({ path: absolutePath }).strict(), role: REQUEST_ROLES['project:open'], summary: "Read an agent project's Dockfile." }),
    'project:init': request<ProjectFile>()({
      input: z.object({ directory: absolutePath, framework: z.enum(FRAMEWORKS), language: z.enum(['python', 'typescript']), name: agentName.optional() }).strict(),
      role: REQUEST_ROLES['project:init'],
      summary: 'Create a starter agent project (`agentdock init`) and open its Dockfile; never overwrites.',
    }),
    'project:save': request<ProjectFile>()({ input: z.object({ file: absolutePath, text: z.string().max(1_048_576) }).strict(), role: REQUEST_ROLES['project:save'], summary: 'Write the Dockfile back (atomically).' }),

    'deploy:create': request<DeployOutcome, DeployProgress>()({
      input: z
        .object({ projectDir: absolutePath, target, environment: environment.optional(), idempotencyKey: z.string().min(8).max(200).optional(), kubernetes: kubernetesPlacement.optional() })
        .strict()
        .refine((input) => input.kubernetes === undefined || input.target === 'kubernetes', { message: 'kubernetes (context, namespace, autoscale) applies to the kubernetes target only', path: ['kubernetes'] }),
      role: REQUEST_ROLES['deploy:create'],
      summary: 'Validate, build, register a version, start, health-gate, switch (kubernetes: in the chosen context and namespace, created when new). Cancellable.',
    }),
    'deploy:rollback': request<DeployOutcome, DeployProgress>()({
      input: z.object({ agent: agentName, version: versionLabel, target }).strict(),
      role: REQUEST_ROLES['deploy:rollback'],
      summary: 'Redeploy an earlier version through the same health gate.',
    }),

    'demo:run': request<DemoSummary, DemoEvent>()({
      input: z.object({ pace: z.enum(['fast', 'presentation']), pauseAtIncidents: z.boolean().optional() }).strict(),
      role: REQUEST_ROLES['demo:run'],
      summary: 'The offline conference demo: deploy the lead-generation agent and run its 100 leads with the scripted incidents; every step, lead, incident and pause as progress. One run at a time. Cancellable.',
    }),
    'demo:control': request<{ action: 'pause' | 'resume' }>()({
      input: z.object({ action: z.enum(['pause', 'resume']) }).strict(),
      role: REQUEST_ROLES['demo:control'],
      summary: 'Pause the running demo before its next lead, or let a paused run go on.',
    }),

    'keys:list': request<ApiKeyRow[]>()({ input: z.object({ agent: agentName }).strict(), role: REQUEST_ROLES['keys:list'], summary: "An agent's API keys (hashes stay in main)." }),
    'keys:create': request<{ key: ApiKeyRow; raw: string }>()({
      input: z.object({ agent: agentName, role: z.string().min(1).max(63), label: z.string().max(100).optional(), expiresInDays: z.number().int().min(1).max(3650).optional() }).strict(),
      role: REQUEST_ROLES['keys:create'],
      summary: 'Create a key; the raw key is in this answer only. Reaches running replicas at once.',
    }),
    'keys:rotate': request<{ key: ApiKeyRow; raw: string; previous: ApiKeyRow }>()({
      input: z.object({ id: z.string().min(1).max(100), graceMinutes: z.number().int().min(0).max(10_080).optional() }).strict(),
      role: REQUEST_ROLES['keys:rotate'],
      summary: 'Replace a key with a new one (same role and label); the old one works for graceMinutes more (default 0: revoked now). The raw key is in this answer only.',
    }),
    'keys:revoke': request<ApiKeyRow>()({ input: z.object({ id: z.string().min(1).max(100) }).strict(), role: REQUEST_ROLES['keys:revoke'], summary: 'Revoke a key; running replicas refuse it at once.' }),

    'secrets:list': request<SecretRow[]>()({ input: z.object({ environment: environment.optional() }).strict(), role: REQUEST_ROLES['secrets:list'], summary: 'Secrets, masked.' }),
    'secrets:set': request<SecretRow>()({
      input: z.object({ name: secretName, value: z.string().min(1).max(65_536), environment, agent: agentName.optional(), rotate: z.boolean().optional() }).strict(),
      role: REQUEST_ROLES['secrets:set'],
      summary: 'Add, change or rotate a secret; running replicas get it without a restart.',
    }),
    'secrets:reveal': request<{ value: string }>()({ input: z.object({ name: secretName, environment, agent: agentName.optional() }).strict(), role: REQUEST_ROLES['secrets:reveal'], summary: 'The plaintext, for admins; audited.' }),
    'secrets:delete': request<SecretRow>()({ input: z.object({ name: secretName, environment, agent: agentName.optional() }).strict(), role: REQUEST_ROLES['secrets:delete'], summary: 'Soft-delete a secret.' }),

    'targets:status': request<TargetsStatus>()({ input: none, role: REQUEST_ROLES['targets:status'], summary: 'The process target, the Docker engine (version, base images) and kubeconfig contexts; no cluster is contacted.' }),
    'targets:test': request<KubeConnectionTest>()({ input: admin.targetsTestInput, role: REQUEST_ROLES['targets:test'], summary: "Ask one kubeconfig context's API server for /version, with a short timeout." }),
    'kube:namespaces': request<KubeNamespaceList>()({
      input: z.object({ context: kubeContext }).strict(),
      role: REQUEST_ROLES['kube:namespaces'],
      summary: "The namespaces of one kubeconfig context (the Deploy view's picker), asked when the context is opened, with a short timeout; a failure's details say offline, unauthorized or forbidden.",
    }),
    'settings:get': request<SettingsSnapshot>()({ input: none, role: REQUEST_ROLES['settings:get'], summary: 'Base images, retention windows and registries, with where each value comes from; no secrets.' }),
    'settings:update': request<SettingsSnapshot>()({ input: admin.settingsUpdateInput, role: REQUEST_ROLES['settings:update'], summary: 'Change base images or retention windows (null: back to the default); audited.' }),
    'registries:add': request<RegistryRow>()({ input: admin.registryAddInput, role: REQUEST_ROLES['registries:add'], summary: 'Add a container registry login; the password goes to the vault.' }),
    'registries:update': request<RegistryRow>()({ input: admin.registryUpdateInput, role: REQUEST_ROLES['registries:update'], summary: "Change a registry's username or password." }),
    'registries:remove': request<RegistryRow>()({ input: admin.registryRemoveInput, role: REQUEST_ROLES['registries:remove'], summary: 'Remove a registry login and its vault password.' }),
    'alerts:channels:list': request<AlertChannelRow[]>()({ input: none, role: REQUEST_ROLES['alerts:channels:list'], summary: 'Alert channels (webhook, SMTP) without their secrets.' }),
    'alerts:channels:add': request<AlertChannelRow>()({ input: admin.alertChannelAddInput, role: REQUEST_ROLES['alerts:channels:add'], summary: 'Add a webhook or SMTP channel; its URL or password goes to the vault.' }),
    'alerts:channels:update': request<AlertChannelRow>()({ input: admin.alertChannelUpdateInput, role: REQUEST_ROLES['alerts:channels:update'], summary: 'Enable, disable, or change what a channel receives.' }),
    'alerts:channels:remove': request<AlertChannelRow>()({ input: admin.alertChannelNameInput, role: REQUEST_ROLES['alerts:channels:remove'], summary: 'Remove a channel and its vault secret.' }),
    'alerts:channels:test': request<ChannelTestResult>()({ input: admin.alertChannelNameInput, role: REQUEST_ROLES['alerts:channels:test'], summary: 'Send a test message to a channel.' }),
    'audit:list': request<AuditPage>()({ input: admin.auditListInput, role: REQUEST_ROLES['audit:list'], summary: 'The admin audit log and the secret audit trail, filtered, newest first, a page at a time.' }),

    'control:snapshot': request<ControlSnapshot>()({
      input: z.object({ agent: agentName.optional() }).strict(),
      role: REQUEST_ROLES['control:snapshot'],
      summary: "The control panel's numbers for one agent or the fleet: status, progress, cost, protection, performance (telemetry:events patches them live).",
    }),
    'notifications:list': request<NotificationRow[]>()({
      input: z.object({ agent: agentName.optional(), includeRead: z.boolean().optional(), limit: z.number().int().min(1).max(500).optional() }).strict(),
      role: REQUEST_ROLES['notifications:list'],
      summary: 'In-app notifications (circuit breaker, PII, budget, health), newest first; unread only unless includeRead.',
    }),
    'notifications:dismiss': request<{ dismissed: number }>()({
      input: z.object({ ids: z.array(z.number().int().min(1)).min(1).max(500) }).strict(),
      role: REQUEST_ROLES['notifications:dismiss'],
      summary: 'Mark notifications read; every open console hears it on notifications:changes.',
    }),
    'budget:raise': request<BudgetRaiseResult>()({
      input: z.object({ agent: agentName, limitUsd: z.number().positive().max(1_000_000) }).strict(),
      role: REQUEST_ROLES['budget:raise'],
      summary: "Approve a budget increase: the running replicas enforce the new per-replica limit at once (budget.json, reload, no redeploy); audited.",
    }),
  },
  streams: {
    'fleet:changes': stream<FleetChange>()({ input: none, role: STREAM_ROLES['fleet:changes'], summary: 'Rows of the fleet table as they change.' }),
    'logs:tail': stream<LogTailBatch>()({
      input: z.object({ agent: agentName, target: target.optional(), tail: z.number().int().min(0).max(5000).optional() }).strict(),
      role: STREAM_ROLES['logs:tail'],
      summary: "The active deployment's log lines: the last `tail`, then new ones as they are written.",
    }),
    'telemetry:events': stream<LiveEvent>()({ input: z.object({ agent: agentName.optional() }).strict(), role: STREAM_ROLES['telemetry:events'], summary: 'Runtime events as they arrive (event log, protection, cost).' }),
    'notifications:changes': stream<NotificationChange>()({
      input: z.object({ agent: agentName.optional() }).strict(),
      role: STREAM_ROLES['notifications:changes'],
      summary: 'Notifications as they are added and dismissed.',
    }),
    'agents:invoke-stream': stream<PlaygroundStreamEvent>()({
      input: z.object({ agent: agentName, input: z.record(z.string(), z.unknown()), target: target.optional() }).strict(),
      role: STREAM_ROLES['agents:invoke-stream'],
      summary: "Playground: one streamed run through the runtime's /stream (tokens, tools, policy events, then the output and its cost); unsubscribing cancels it.",
    }),
  },
} as const;

export type ConsoleContract = typeof consoleContract;
export type RequestChannel = keyof ConsoleContract['requests'];
export type StreamChannel = keyof ConsoleContract['streams'];

type RequestOf<C extends RequestChannel> = ConsoleContract['requests'][C];
type StreamOf<C extends StreamChannel> = ConsoleContract['streams'][C];

/** What the caller passes. */
export type RequestInput<C extends RequestChannel> = z.input<RequestOf<C>['input']>;
/** What a handler receives (after zod: defaults applied). */
export type ParsedRequestInput<C extends RequestChannel> = z.output<RequestOf<C>['input']>;
export type RequestOutput<C extends RequestChannel> = NonNullable<RequestOf<C>['output']>;
export type RequestProgress<C extends RequestChannel> = NonNullable<RequestOf<C>['progress']>;

export type StreamInput<C extends StreamChannel> = z.input<StreamOf<C>['input']>;
export type ParsedStreamInput<C extends StreamChannel> = z.output<StreamOf<C>['input']>;
export type StreamEvent<C extends StreamChannel> = NonNullable<StreamOf<C>['event']>;

export { roleAllows } from './roles';
