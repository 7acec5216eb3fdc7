/**
 * What the Targets, Settings and Audit log views carry (issue 5): plain JSON shapes, platform-free.
 * Secrets never appear here: a registry password or an alert channel's URL or SMTP password stays
 * in main's vault, and these shapes only say whether one is set.
 */
import type { RetentionKey } from '../settings-rules';

export type { RetentionKey } from '../settings-rules';

// ---- Targets ----

/** A base image the Docker target builds on, and whether the engine has it locally. */
export interface BaseImageStatus {
  /** `node` for JavaScript and TypeScript agents (and the node binary of Python images), `python` for Python agents. */
  language: 'node' | 'python';
  ref: string;
  /** Null when the engine could not be asked. */
  present: boolean | null;
}

export interface DockerTargetStatus {
  available: boolean;
  version?: string;
  problem?: string;
  baseImages: BaseImageStatus[];
}

/** A kubeconfig context as the Targets view lists it; nothing is contacted to list it. */
export interface KubeContextRow {
  name: string;
  cluster: string;
  user: string;
  /** The context's namespace, `default` when it sets none. */
  namespace: string;
  /** The cluster's API server URL, when the kubeconfig names the cluster. */
  server: string | null;
  current: boolean;
  /** The kubeconfig file that defines it (KUBECONFIG may list several). */
  file: string;
  /** The console connects to clusters lazily (ARCHITECTURE.md §7): listed means not connected yet. */
  connection: 'not-connected';
}

export interface TargetsStatus {
  process: { available: true; detail: string };
  docker: DockerTargetStatus;
  kubernetes: {
    contexts: KubeContextRow[];
    /** The kubeconfig files read, in KUBECONFIG order. */
    files: string[];
    /** Files that could not be read or parsed, and contexts that name a missing cluster or user. */
    problems: string[];
  };
}

/** `targets:test`: one context's API server asked for `/version`, with a short timeout. */
export interface KubeConnectionTest {
  context: string;
  status: 'reachable' | 'unauthorized' | 'unreachable';
  /** What happened and what to do, e.g. `connection refused by 127.0.0.1:6443: is the cluster running?`. */
  message: string;
  server: string | null;
  /** The server's gitVersion when it answered. */
  version?: string;
  durationMs: number;
}

// ---- Settings ----

/** One setting: the value in effect and where it comes from (environment over stored over default). */
export interface SettingValue<T> {
  value: T;
  source: 'environment' | 'stored' | 'default';
  /** What an admin saved in the console, or null. */
  stored: T | null;
  defaultValue: T;
  /** The environment variable that overrides it, and its value when set. */
  envName: string;
  envValue: T | null;
}

export interface RegistryRow {
  id: number;
  /** Normalized: host[:port][/path], no scheme. */
  url: string;
  username: string | null;
  /** Whether a password is stored (in the vault, never shown). */
  hasPassword: boolean;
  createdBy: string;
  updatedAt: string;
}

export interface SettingsSnapshot {
  baseImages: { node: SettingValue<string>; python: SettingValue<string> };
  retention: Record<RetentionKey, SettingValue<number>>;
  registries: RegistryRow[];
}

export type AlertSeverity = 'info' | 'warning' | 'critical';

/** An alert channel's settings; a webhook's URL and an SMTP password stay in the vault. */
export interface AlertChannelRow {
  name: string;
  kind: 'webhook' | 'email';
  enabled: boolean;
  minSeverity: AlertSeverity;
  sendResolved: boolean;
  /** Webhook: the URL's host. E-mail: `smtp.example.com:587 → ops@example.com`. */
  destination: string;
  /** Whether a vault secret (the URL, an SMTP password) belongs to it. */
  hasSecret: boolean;
  email?: { host: string; port: number; tls: 'starttls' | 'tls' | 'none'; user: string | null; from: string; to: string[] };
  createdBy: string;
  updatedAt: string;
}

export interface ChannelTestResult {
  channel: string;
  ok: boolean;
  attempts: number;
  /** Why it failed; never contains the channel's secret. */
  error?: string;
}

// ---- Audit log ----

/** One entry of the admin audit log or of the secret audit trail, in one shape. */
export interface AuditRow {
  /** Stable React key: `a:<id>` (admin log) or `s:<id>` (secret trail). */
  key: string;
  source: 'admin' | 'secret';
  time: string;
  actor: string;
  role: string;
  /** `domain:verb`; secret operations as `secret:read`, `secret:create`… */
  action: string;
  target: string;
  success: boolean;
  error: string | null;
  details: Record<string, unknown> | null;
}

export interface AuditPage {
  entries: AuditRow[];
  /** Pass as `before` for the next (older) page; null when there is none. */
  nextCursor: string | null;
}
