/**
 * The data the console contract carries: plain JSON shapes, platform-free. Main maps the control
 * plane's objects onto these; the renderer renders them. Times are ISO-8601 strings, money USD.
 */
import type { DockfileDiagnostic } from '../dockfile/diagnostics';

export * from './observe-types';
export * from './admin-types';
export * from './playground-types';
export * from './control-types';

/** Who is signed in to this window or tab, and what they may do (seed 004 §5.8.5). */
export type ConsoleRole = 'viewer' | 'developer' | 'admin';

export type TargetKind = 'process' | 'docker' | 'kubernetes';

/** Health from replica readiness (≥80 % healthy, ≥50 % degraded), or what the agent was told to be. */
export type AgentHealth = 'healthy' | 'degraded' | 'unhealthy' | 'stopped' | 'suspended' | 'unknown';

export interface AppInfo {
  name: string;
  version: string;
  platform: string;
  /** `electron` in the desktop app, `serve` in a browser tab. */
  mode: 'electron' | 'serve';
  user: string;
  role: ConsoleRole;
  dataDir: string;
}

/** One row of the fleet table. */
export interface AgentRow {
  agentId: string;
  agent: string;
  target: TargetKind | null;
  version: string | null;
  deploymentId: string | null;
  health: AgentHealth;
  replicasReady: number;
  replicasWanted: number;
  endpoint: string | null;
  /** When the active deployment became active. */
  activeSince: string | null;
  /** The last hour. */
  requests: number;
  p95Ms: number | null;
  errorRate: number | null;
  spendUsd: number;
  budgetPercent: number | null;
  budgetLimitUsd: number | null;
}

/** A change to the fleet table, pushed as it happens. */
export type FleetChange = { type: 'upsert'; row: AgentRow } | { type: 'remove'; agentId: string };

export interface VersionRow {
  label: string;
  number: number;
  contentHash: string;
  createdBy: string;
  createdAt: string;
  runtimeVersion: string;
  /** Targets this version is active on now. */
  activeOn: TargetKind[];
  /** Whether its build is still on disk (rollback possible without a fresh deploy). */
  rollbackable: boolean;
}

export interface DeploymentRow {
  deploymentId: string;
  version: string;
  target: TargetKind;
  status: string;
  replicas: number;
  endpoint: string | null;
  createdBy: string;
  createdAt: string;
  activatedAt: string | null;
  error: string | null;
}

export interface AgentDetail {
  row: AgentRow;
  versions: VersionRow[];
  deployments: DeploymentRow[];
  /** The active version's Dockfile as deployed. */
  dockfileYaml: string | null;
  /** The active version's I/O schema (for the playground form). */
  inputSchema: Record<string, unknown> | null;
  outputSchema: Record<string, unknown> | null;
  /** The active version serves `/stream` (its Dockfile's expose.streaming is not none). */
  streaming: boolean;
  /** Roles its API keys can carry (the Dockfile's auth.roles, or the runtime's defaults). */
  roles: AgentRole[];
}

/** A role of an agent's runtime and the permissions it grants. */
export interface AgentRole {
  name: string;
  permissions: string[];
}

/** Live validation of an editor buffer. */
export interface DockfileReport {
  valid: boolean;
  diagnostics: DockfileDiagnostic[];
  errorCount: number;
  warningCount: number;
  agent: string | null;
  language: string | null;
}

/** An agent project on disk, opened in the editor. */
export interface ProjectFile {
  projectDir: string;
  file: string;
  text: string;
}

export type DeployStepName = 'validating' | 'building' | 'registering' | 'starting' | 'health_gate' | 'switching' | 'active' | 'rolling_back' | 'failed';

/** Progress of a deploy or rollback: a step, or a line of the target's own output (the build log). */
export type DeployProgress = { kind: 'step'; step: DeployStepName; message: string; at: string } | { kind: 'log'; phase: string; message: string; at: string };

export interface DeployOutcome {
  agent: string;
  version: string;
  versionCreated: boolean;
  deploymentId: string;
  endpoints: string[];
  replicas: number;
  reusedBuild: boolean;
  previousVersion?: string;
  durationMs: number;
}

export type LifecycleAction = 'stop' | 'start' | 'restart' | 'suspend' | 'resume' | 'delete';

export interface LifecycleOutcome {
  agent: string;
  target: TargetKind;
  version: string;
  ok: boolean;
  error?: string;
}

/** The playground's result of one invocation. */
export interface InvocationResult {
  status: number;
  durationMs: number;
  output: unknown;
  /** The runtime's x-trace-id: find the run in the event log and Langfuse. */
  traceId: string | null;
}

/** A runtime telemetry event as the panels show it. */
export interface LiveEvent {
  agentId: string;
  agent: string;
  source: string;
  eventId: number;
  type: string;
  time: string;
  data: Record<string, unknown>;
}

export interface ApiKeyRow {
  id: string;
  prefix: string;
  role: string;
  /** What the key is for ("ci", "partner portal"), when its creator said. */
  label: string | null;
  createdBy: string;
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
  revokedAt: string | null;
}

export interface SecretRow {
  name: string;
  environment: 'dev' | 'prod';
  /** The agent it belongs to; null for a secret every agent of the environment gets. */
  agent: string | null;
  /** Masked (`sk-proj-abc...xyz`); the value itself only through `secrets:reveal`, for admins. */
  masked: string;
  createdBy: string;
  updatedAt: string;
  /** The row no longer decrypts (altered in the database): set it again. */
  unreadable: boolean;
}

/** What the first-run screen shows about this machine: found, never required. */
export interface EnvironmentReport {
  docker: { available: boolean; version?: string; problem?: string };
  /** Every kubeconfig context with its cluster, user and namespace (`default` when it sets none); nothing is contacted. */
  kubernetes: { contexts: { name: string; cluster: string; user: string; namespace: string; current: boolean }[]; problem?: string };
}
