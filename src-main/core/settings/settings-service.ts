/**
 * Console settings (issue 5): the Docker base images, the retention windows and container
 * registry logins. A value in effect comes from, in order: its environment variable (what the
 * process was started with, for CI and air-gapped machines), what an admin saved in the console
 * (the `settings` table), the product default. Every change is checked by the rules in
 * src-shared/settings-rules.ts and written to the audit log; a registry password goes to the vault
 * (`AGENTDOCK_REGISTRY_<id>`, global, prod), never to the settings tables or a log.
 */
import { RETENTION_KEYS, imageRefProblem, normalizeRegistryUrl, registryUrlProblem, registryUsernameProblem, retentionDaysProblem } from '../../../src-shared/settings-rules';
import type { RetentionKey } from '../../../src-shared/settings-rules';
import type { SettingValue, SettingsSnapshot } from '../../../src-shared/ipc/admin-types';
import { DEFAULT_BASE_IMAGES, DEFAULT_NODE_IMAGE } from '../build/docker-image';
import { CoreError, errorMessage } from '../contracts';
import type { BuildArtifact } from '../contracts';
import { AuditRepository } from '../store/audit-repository';
import type { StoreDatabase } from '../store/database';
import { RegistriesRepository } from '../store/registries-repository';
import type { ContainerRegistry } from '../store/registries-repository';
import { DEFAULT_RETENTION, RETENTION_ENV, retentionFromEnv } from '../store/retention';
import type { RetentionOptions } from '../store/retention';
import { SettingsRepository } from '../store/settings-repository';
import type { Vault } from '../vault';

type Env = Readonly<Record<string, string | undefined>>;

/** Who changes a setting, as the audit log records it. */
export interface SettingsCaller {
  actor: string;
  role: string;
}

/** A change to settings; `null` puts one back to its default. */
export interface SettingsPatch {
  baseImages?: { node?: string | null; python?: string | null };
  retention?: Partial<Record<RetentionKey, number | null>>;
}

interface Definition<T> {
  key: string;
  envName: string;
  defaultValue: T;
  problem(value: T): string | undefined;
}

const BASE_IMAGES: Record<'node' | 'python', Definition<string>> = {
  node: { key: 'docker.baseImage.node', envName: 'AGENTDOCK_BASE_IMAGE_NODE', defaultValue: DEFAULT_NODE_IMAGE, problem: imageRefProblem },
  python: { key: 'docker.baseImage.python', envName: 'AGENTDOCK_BASE_IMAGE_PYTHON', defaultValue: DEFAULT_BASE_IMAGES.python, problem: imageRefProblem },
};

const ENV_OF_RETENTION = Object.fromEntries(Object.entries(RETENTION_ENV).map(([name, key]) => [key, name])) as Record<RetentionKey, string>;

const RETENTION: Record<RetentionKey, Definition<number>> = Object.fromEntries(
  RETENTION_KEYS.map((key) => [key, { key: `retention.${key}`, envName: ENV_OF_RETENTION[key], defaultValue: DEFAULT_RETENTION[key], problem: (value: number) => retentionDaysProblem(key, value) }]),
) as Record<RetentionKey, Definition<number>>;

/** The vault secret holding a registry's password. */
function registrySecretName(registryId: number): string {
  return `AGENTDOCK_REGISTRY_${registryId}`;
}

// Registries are not per environment; prod is where the console's own secrets are held (as alert channels').
const VAULT_SCOPE = { environment: 'prod' } as const;

export interface SettingsServiceOptions {
  db: StoreDatabase;
  /** Opened only when a registry password is touched: reading settings needs no master key. */
  vault: () => Vault;
  env: Env;
}

/** Reads the settings in effect and changes them, audited. */
export class SettingsService {
  private readonly settings: SettingsRepository;
  private readonly registriesTable: RegistriesRepository;
  private readonly audit: AuditRepository;
  private envRetentionWindows: RetentionOptions | undefined;

  constructor(private readonly options: SettingsServiceOptions) {
    this.settings = new SettingsRepository(options.db);
    this.registriesTable = new RegistriesRepository(options.db);
    this.audit = new AuditRepository(options.db);
  }

  /** Every setting with its value in effect and where that comes from, and the registries (no passwords). */
  snapshot(): SettingsSnapshot {
    const stored = this.storedValues();
    const image = (which: 'node' | 'python'): SettingValue<string> => this.resolve(BASE_IMAGES[which], stored, this.options.env[BASE_IMAGES[which].envName] || null);
    const envRetention = this.envRetention();
    const retention = Object.fromEntries(RETENTION_KEYS.map((key) => [key, this.resolve(RETENTION[key], stored, envRetention[key] ?? null)])) as Record<RetentionKey, SettingValue<number>>;
    return {
      baseImages: { node: image('node'), python: image('python') },
      retention,
      registries: this.registries().map((registry) => ({
        id: registry.id,
        url: registry.url,
        username: registry.username ?? null,
        hasPassword: registry.hasPassword,
        createdBy: registry.createdBy,
        updatedAt: registry.updatedAt,
      })),
    };
  }

  /** The base images in effect: `node` for JavaScript and TypeScript agents, `python` for Python ones. */
  baseImages(): { node: string; python: string } {
    const { baseImages } = this.snapshot();
    return { node: baseImages.node.value, python: baseImages.python.value };
  }

  /** What the Docker target builds each language from; Python images take `node` from the Node image. */
  dockerBaseImages(): Record<BuildArtifact['language'], { baseImage: string; nodeImage?: string }> {
    const { node, python } = this.baseImages();
    return { javascript: { baseImage: node }, typescript: { baseImage: node }, python: { baseImage: python, nodeImage: node } };
  }

  /** The retention windows in effect (environment over stored over default). */
  retentionWindows(): Required<RetentionOptions> {
    const { retention } = this.snapshot();
    return Object.fromEntries(RETENTION_KEYS.map((key) => [key, retention[key].value])) as Required<RetentionOptions>;
  }

  /** Applies a change (checked, all or nothing) and audits it; returns the new snapshot. */
  update(patch: SettingsPatch, caller: SettingsCaller): SettingsSnapshot {
    const changes = new Map<string, unknown>();
    const check = <T>(definition: Definition<T>, path: string, value: T | null | undefined): void => {
      if (value === undefined) return;
      if (value !== null) {
        const problem = definition.problem(value);
        if (problem !== undefined) throw new CoreError('E2050', `${path}: ${problem}.`, { path });
      }
      changes.set(definition.key, value ?? undefined);
    };
    for (const which of ['node', 'python'] as const) check(BASE_IMAGES[which], `baseImages.${which}`, patch.baseImages?.[which]);
    for (const key of RETENTION_KEYS) check(RETENTION[key], `retention.${key}`, patch.retention?.[key]);
    if (changes.size === 0) return this.snapshot();
    const before = this.storedValues();
    this.settings.write(changes, caller.actor);
    const changed = Object.fromEntries([...changes].map(([key, value]) => [key, { from: before.get(key) ?? null, to: value ?? null }]));
    this.audit.record({ actor: caller.actor, role: caller.role, action: 'settings:update', target: 'settings', success: true, details: { changed } });
    return this.snapshot();
  }

  registries(): ContainerRegistry[] {
    return this.registriesTable.list();
  }

  registry(id: number): ContainerRegistry | undefined {
    return this.registriesTable.get(id);
  }

  /** Adds a registry login; the password (if any) goes to the vault, and a vault failure undoes the row. */
  async addRegistry(input: { url: string; username?: string; password?: string }, caller: SettingsCaller): Promise<ContainerRegistry> {
    const problem = registryUrlProblem(input.url.trim()) ?? (input.username !== undefined ? registryUsernameProblem(input.username) : undefined);
    if (problem !== undefined) throw new CoreError('E2050', `registry: ${problem}.`);
    const url = normalizeRegistryUrl(input.url);
    return this.audited(caller, 'registry:add', `registry:${url}`, { username: input.username ?? null, password: input.password ? 'set' : 'none' }, async () => {
      const registry = this.registriesTable.create({ url, ...(input.username !== undefined ? { username: input.username } : {}), hasPassword: Boolean(input.password), createdBy: caller.actor });
      if (!input.password) return registry;
      try {
        await this.options.vault().set(registrySecretName(registry.id), input.password, { ...VAULT_SCOPE, actor: caller.actor, role: 'admin' });
      } catch (error) {
        this.registriesTable.remove(registry.id);
        throw error;
      }
      return registry;
    });
  }

  /** Changes a registry's username (`null` removes it) or password (`null` removes it); undefined when there is no such registry. */
  async updateRegistry(id: number, patch: { username?: string | null; password?: string | null }, caller: SettingsCaller): Promise<ContainerRegistry | undefined> {
    const current = this.registriesTable.get(id);
    if (!current) return undefined;
    if (patch.username !== undefined && patch.username !== null) {
      const problem = registryUsernameProblem(patch.username);
      if (problem !== undefined) throw new CoreError('E2050', `username: ${problem}.`);
    }
    const details = { ...(patch.username !== undefined ? { username: { from: current.username ?? null, to: patch.username } } : {}), password: patch.password === undefined ? 'unchanged' : patch.password === null ? 'removed' : 'changed' };
    return this.audited(caller, 'registry:update', `registry:${current.url}`, details, async () => {
      if (typeof patch.password === 'string') await this.options.vault().set(registrySecretName(id), patch.password, { ...VAULT_SCOPE, actor: caller.actor, role: 'admin' });
      if (patch.password === null && current.hasPassword) await this.forgetPassword(id, caller);
      return this.registriesTable.update(id, { ...(patch.username !== undefined ? { username: patch.username } : {}), ...(patch.password !== undefined ? { hasPassword: patch.password !== null } : {}) });
    });
  }

  /** Removes a registry login and soft-deletes its vault password; undefined when there is no such registry. */
  async removeRegistry(id: number, caller: SettingsCaller): Promise<ContainerRegistry | undefined> {
    const current = this.registriesTable.get(id);
    if (!current) return undefined;
    return this.audited(caller, 'registry:remove', `registry:${current.url}`, {}, async () => {
      if (current.hasPassword) await this.forgetPassword(id, caller);
      this.registriesTable.remove(id);
      return current;
    });
  }

  /** A registry's password, for pushing and pulling images (read from the vault, audited there). */
  async registryPassword(id: number, caller: SettingsCaller): Promise<string | undefined> {
    const registry = this.registriesTable.get(id);
    if (!registry?.hasPassword) return undefined;
    return (await this.options.vault().get(registrySecretName(id), { ...VAULT_SCOPE, actor: caller.actor, role: 'admin' })).value;
  }

  private async forgetPassword(id: number, caller: SettingsCaller): Promise<void> {
    try {
      await this.options.vault().delete(registrySecretName(id), { ...VAULT_SCOPE, actor: caller.actor, role: 'admin' });
    } catch (error) {
      // Already gone is what forgetting wants; anything else (a locked vault) must stop the change.
      if (!(error instanceof CoreError && error.code === 'E2031')) throw error;
    }
  }

  /** Runs a registry change and writes its audit row, success or failure (never a password). */
  private async audited<T>(caller: SettingsCaller, action: string, target: string, details: Record<string, unknown>, change: () => Promise<T>): Promise<T> {
    try {
      const result = await change();
      this.audit.record({ actor: caller.actor, role: caller.role, action, target, success: true, details });
      return result;
    } catch (error) {
      this.audit.record({ actor: caller.actor, role: caller.role, action, target, success: false, error: errorMessage(error), details });
      throw error;
    }
  }

  /** AGENTDOCK_RETENTION_*_DAYS, checked by the same rules as a stored window (E2050 names a bad variable). */
  private envRetention(): RetentionOptions {
    return (this.envRetentionWindows ??= retentionFromEnv(this.options.env));
  }

  /** Stored values that still pass their rule (a row altered by hand falls back to the default). */
  private storedValues(): Map<string, unknown> {
    const values = new Map<string, unknown>();
    for (const [key, setting] of this.settings.all()) values.set(key, setting.value);
    return values;
  }

  private resolve<T>(definition: Definition<T>, stored: Map<string, unknown>, envValue: T | null): SettingValue<T> {
    const raw = stored.get(definition.key);
    const storedValue = raw !== undefined && typeof raw === typeof definition.defaultValue && definition.problem(raw as T) === undefined ? (raw as T) : null;
    const value = envValue ?? storedValue ?? definition.defaultValue;
    const source = envValue !== null ? 'environment' : storedValue !== null ? 'stored' : 'default';
    return { value, source, stored: storedValue, defaultValue: definition.defaultValue, envName: definition.envName, envValue };
  }
}
