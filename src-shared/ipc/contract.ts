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
  LifecycleOutcome,
  LiveEvent,
  ProjectFile,
  SecretRow,
} from './console-types';
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

    'versions:dockfile': request<{ yaml: string }>()({ input: z.object({ agent: agentName, version: versionLabel }).strict(), role: REQUEST_ROLES['versions:dockfile'], summary: 'The Dockfile a version was made from.' }),

    'dockfile:validate': request<DockfileReport>()({
      input: z.object({ text: z.string().max(1_048_576), file: absolutePath.optional() }).strict(),
      role: REQUEST_ROLES['dockfile:validate'],
      summary: 'Full validation of an editor buffer, project checks included when it names its file.',
    }),
    'project:open': request<ProjectFile>()({ input: z.object({ path: absolutePath }).strict(), role: REQUEST_ROLES['project:open'], summary: "Read an agent project's Dockfile." }),
    'project:save': request<ProjectFile>()({ input: z.object({ file: absolutePath, text: z.string().max(1_048_576) }).strict(), role: REQUEST_ROLES['project:save'], summary: 'Write the Dockfile back (atomically).' }),

    'deploy:create': request<DeployOutcome, DeployProgress>()({
      input: z.object({ projectDir: absolutePath, target, environment: environment.optional(), idempotencyKey: z.string().min(8).max(200).optional() }).strict(),
      role: REQUEST_ROLES['deploy:create'],
      summary: 'Validate, build, register a version, start, health-gate, switch. Cancellable.',
    }),
    'deploy:rollback': request<DeployOutcome, DeployProgress>()({
      input: z.object({ agent: agentName, version: versionLabel, target }).strict(),
      role: REQUEST_ROLES['deploy:rollback'],
      summary: 'Redeploy an earlier version through the same health gate.',
    }),

    'keys:list': request<ApiKeyRow[]>()({ input: z.object({ agent: agentName }).strict(), role: REQUEST_ROLES['keys:list'], summary: "An agent's API keys (hashes stay in main)." }),
    'keys:create': request<{ key: ApiKeyRow; raw: string }>()({
      input: z.object({ agent: agentName, role: z.string().min(1).max(63), label: z.string().max(100).optional(), expiresInDays: z.number().int().min(1).max(3650).optional() }).strict(),
      role: REQUEST_ROLES['keys:create'],
      summary: 'Create a key; the raw key is in this answer only. Reaches running replicas at once.',
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
  },
  streams: {
    'fleet:changes': stream<FleetChange>()({ input: none, role: STREAM_ROLES['fleet:changes'], summary: 'Rows of the fleet table as they change.' }),
    'telemetry:events': stream<LiveEvent>()({ input: z.object({ agent: agentName.optional() }).strict(), role: STREAM_ROLES['telemetry:events'], summary: 'Runtime events as they arrive (event log, protection, cost).' }),
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
