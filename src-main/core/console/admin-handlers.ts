/**
 * Handlers of the Targets, Settings and Audit log views (issue 5). Targets are read without
 * contacting any cluster; a context is contacted only by `targets:test`, with a short timeout.
 * Settings go through the control plane's SettingsService and alert channels through its existing
 * AlertChannels: one store each, every change audited with the console user as actor, secrets
 * (registry passwords, webhook URLs, SMTP passwords) into the vault and never back out.
 */
import type { AlertChannelRow, RegistryRow } from '../../../src-shared/ipc/admin-types';
import type { ControlPlane } from '../control-plane';
import { CoreError } from '../contracts';
import type { ChannelRecord } from '../alerts';
import type { ContainerRegistry } from '../store/registries-repository';
import { auditPage } from './audit-timeline';
import { ConsoleHandlerError } from './console-session';
import type { ConsolePrincipal } from './console-session';
import { targetsStatus } from './environment-probe';
import type { ConsoleHandlers } from './handler-types';
import { readKubeconfig } from './kubeconfig';
import { testKubeContext } from './kube-connection-test';

type Handlers = ConsoleHandlers['requests'];
type AdminChannel =
  | 'targets:status'
  | 'targets:test'
  | 'settings:get'
  | 'settings:update'
  | 'registries:add'
  | 'registries:update'
  | 'registries:remove'
  | 'alerts:channels:list'
  | 'alerts:channels:add'
  | 'alerts:channels:update'
  | 'alerts:channels:remove'
  | 'alerts:channels:test'
  | 'audit:list';

export interface AdminHandlerOptions {
  /** Where KUBECONFIG and HOME are read (default process.env). */
  env?: Readonly<Record<string, string | undefined>>;
  /** Per `targets:test` (default 3 s). */
  kubeTestTimeoutMs?: number;
}

export function adminHandlers(plane: ControlPlane, options: AdminHandlerOptions = {}): Pick<Handlers, AdminChannel> {
  const env = options.env ?? process.env;
  const caller = (principal: ConsolePrincipal) => ({ actor: principal.user, role: principal.role });
  const channels = () => plane.alerts().channels;
  const auditChannel = (principal: ConsolePrincipal, what: string, name: string, success: boolean, details?: Record<string, unknown>, error?: string): void => {
    plane.repositories.audit.record({ ...caller(principal), action: `alerts:channel:${what}`, target: `channel:${name}`, success, ...(error ? { error } : {}), details: { via: 'console', ...details } });
  };
  const registryOrNotFound = (id: number, registry: ContainerRegistry | undefined): RegistryRow => {
    if (!registry) throw new ConsoleHandlerError('E3008', `There is no container registry with id ${id}; reload the settings to see the configured ones.`, { id });
    return toRegistryRow(registry);
  };

  return {
    'targets:status': () => targetsStatus(plane, env),

    'targets:test': async ({ context: name }, { signal }) => {
      const config = await readKubeconfig(env);
      const context = config.contexts.find((candidate) => candidate.name === name);
      if (!context) throw new ConsoleHandlerError('E3008', `No kubeconfig context named ${name}${config.files.length > 0 ? ` in ${config.files.join(', ')}` : ' (no kubeconfig file found)'}; reload the Targets view.`, { context: name });
      return testKubeContext(config, context, { signal, ...(options.kubeTestTimeoutMs !== undefined ? { timeoutMs: options.kubeTestTimeoutMs } : {}) });
    },

    'settings:get': async () => plane.settings.snapshot(),

    'settings:update': async (patch, { principal }) => plane.settings.update(patch, caller(principal)),

    'registries:add': async (input, { principal }) => toRegistryRow(await plane.settings.addRegistry(input, caller(principal))),

    'registries:update': async ({ id, ...patch }, { principal }) => registryOrNotFound(id, await plane.settings.updateRegistry(id, patch, caller(principal))),

    'registries:remove': async ({ id }, { principal }) => registryOrNotFound(id, await plane.settings.removeRegistry(id, caller(principal))),

    'alerts:channels:list': async () => channels().list().map(toChannelRow),

    'alerts:channels:add': async (input, { principal }) => {
      const preferences = { createdBy: principal.user, ...(input.minSeverity ? { minSeverity: input.minSeverity } : {}), ...(input.sendResolved !== undefined ? { sendResolved: input.sendResolved } : {}) };
      let channel: ChannelRecord;
      try {
        channel =
          input.kind === 'webhook'
            ? await channels().addWebhook(input.name, input.url, preferences)
            : await channels().addEmail(
                input.name,
                { host: input.host, port: input.port, tls: input.tls, from: input.from, to: input.to, ...(input.user ? { user: input.user } : {}) },
                input.password,
                preferences,
              );
      } catch (error) {
        // The channel rules' own refusals (a URL that is not https, a recipient that is not an address) name the field.
        if (error instanceof CoreError && error.code === 'E2001') throw new ConsoleHandlerError('E3001', `alerts:channels:add: ${fieldOf(input.kind, error.message)}: ${error.message}`, { issues: [error.message] });
        throw error;
      }
      auditChannel(principal, 'add', channel.name, true, { kind: channel.kind, destination: destinationOf(channel) });
      return toChannelRow(channel);
    },

    'alerts:channels:update': async ({ name, ...patch }, { principal }) => {
      const channel = channels().update(requireChannel(plane, name), patch);
      auditChannel(principal, 'update', channel.name, true, patch);
      return toChannelRow(channel);
    },

    'alerts:channels:remove': async ({ name }, { principal }) => {
      const channel = await channels().remove(requireChannel(plane, name));
      auditChannel(principal, 'remove', channel.name, true);
      return toChannelRow(channel);
    },

    'alerts:channels:test': async ({ name }, { principal }) => {
      const delivery = await plane.alerts().engine.test(requireChannel(plane, name));
      const ok = delivery.status === 'sent';
      auditChannel(principal, 'test', name, ok, { attempts: delivery.attempts }, delivery.lastError);
      return { channel: name, ok, attempts: delivery.attempts, ...(delivery.lastError ? { error: delivery.lastError } : {}) };
    },

    'audit:list': async (filter) => auditPage(plane.repositories, filter),
  };
}

/** The channel's name, or E3008 when there is none (the repository's own error speaks of the CLI). */
function requireChannel(plane: ControlPlane, name: string): string {
  if (!plane.alerts().channels.list().some((channel) => channel.name === name)) throw new ConsoleHandlerError('E3008', `There is no alert channel named ${name}; reload the settings to see the configured ones.`, { name });
  return name;
}

/** Which input field a channel rule's message is about. */
function fieldOf(kind: 'webhook' | 'email', message: string): string {
  if (kind === 'webhook') return 'url';
  const rules: [RegExp, string][] = [
    [/SMTP host/, 'host'],
    [/SMTP port/, 'port'],
    [/tls|Plain SMTP/i, 'tls'],
    [/needs a user name/, 'user'],
    [/sender/, 'from'],
    [/recipient/, 'to'],
    [/CA /, 'caPem'],
  ];
  return rules.find(([pattern]) => pattern.test(message))?.[1] ?? 'channel';
}

function destinationOf(channel: ChannelRecord): string {
  return channel.kind === 'webhook' ? channel.settings.host : `${channel.settings.host}:${channel.settings.port} → ${channel.settings.to.join(', ')}`;
}

function toChannelRow(channel: ChannelRecord): AlertChannelRow {
  return {
    name: channel.name,
    kind: channel.kind,
    enabled: channel.enabled,
    minSeverity: channel.minSeverity,
    sendResolved: channel.sendResolved,
    destination: destinationOf(channel),
    hasSecret: channel.hasSecret,
    ...(channel.kind === 'email'
      ? { email: { host: channel.settings.host, port: channel.settings.port, tls: channel.settings.tls, user: channel.settings.user ?? null, from: channel.settings.from, to: [...channel.settings.to] } }
      : {}),
    createdBy: channel.createdBy,
    updatedAt: channel.updatedAt,
  };
}

function toRegistryRow(registry: ContainerRegistry): RegistryRow {
  return { id: registry.id, url: registry.url, username: registry.username ?? null, hasPassword: registry.hasPassword, createdBy: registry.createdBy, updatedAt: registry.updatedAt };
}
