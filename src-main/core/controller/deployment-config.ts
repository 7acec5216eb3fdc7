/**
 * The runtime config bundle of one deployment (ARCHITECTURE.md §3), written by the controller
 * just before the target starts replicas: spec.json (the run spec), runtime.json (settings),
 * keys.json (API-key hashes) and secrets.json (mode 0600: JWT secret, provider keys, audit key,
 * the agent's vault secrets); later budget.json (an approved budget increase). Every file is
 * written to a temp name and renamed, so a runtime that reloads on change never reads a
 * half-written file.
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { DockSpec } from '../../../src-shared/dockfile/types';
import type { BudgetFile } from '../../runtime/config/budget-file';
import type { ApiKeyRecord } from '../../runtime/config/keys-file';
import type { RuntimeSettings } from '../../runtime/config/runtime-settings';
import type { SecretsFile } from '../../runtime/config/secrets-file';

export interface DeploymentConfig {
  spec: DockSpec;
  settings: RuntimeSettings;
  keys: ApiKeyRecord[];
  secrets: SecretsFile;
}

/** Vault secret names the controller maps to provider keys. */
export const PROVIDER_KEY_SECRETS = { openai: 'OPENAI_API_KEY', anthropic: 'ANTHROPIC_API_KEY' } as const;

/** Writes (or rewrites) a deployment's config bundle into `dir`. */
export async function writeDeploymentConfig(dir: string, config: DeploymentConfig): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await writeAtomically(path.join(dir, 'spec.json'), JSON.stringify(config.spec), 0o600);
  await writeAtomically(path.join(dir, 'runtime.json'), JSON.stringify(config.settings), 0o644);
  await writeKeysFile(dir, config.keys);
  await writeSecretsFile(dir, config.secrets);
}

/** Rewrites keys.json alone (key create/rotate/revoke reaches running replicas with a reload). */
export async function writeKeysFile(dir: string, keys: DeploymentConfig['keys']): Promise<void> {
  await writeAtomically(path.join(dir, 'keys.json'), JSON.stringify({ keys }), 0o644);
}

/** Rewrites secrets.json alone (secret rotation reaches running replicas with a reload). */
export async function writeSecretsFile(dir: string, secrets: SecretsFile): Promise<void> {
  await writeAtomically(path.join(dir, 'secrets.json'), JSON.stringify(secrets), 0o600);
}

/** Writes budget.json alone: an approved limit that replaces runtime.json's, reaching running replicas with a reload. */
export async function writeBudgetFile(dir: string, budget: BudgetFile): Promise<void> {
  await writeAtomically(path.join(dir, 'budget.json'), JSON.stringify(budget), 0o644);
}

/** A deployment's runtime.json, or undefined when it has none (removed, or another machine's). */
export async function readRuntimeSettings(configDir: string): Promise<RuntimeSettings | undefined> {
  try {
    return JSON.parse(await readFile(path.join(configDir, 'runtime.json'), 'utf8')) as RuntimeSettings;
  } catch {
    return undefined;
  }
}

/** A fresh control token: each deployment has its own, so one leaked token opens one deployment's telemetry. */
export function newControlToken(): string {
  return randomBytes(32).toString('hex');
}

/** The config dir of a deployment under the data dir. */
export function deploymentConfigDir(dataDir: string, deploymentId: string): string {
  return path.join(dataDir, 'deployments', deploymentId, 'config');
}

/** A deployment's current secrets.json, or undefined when it has none (removed, or another machine's). */
export async function readSecretsFile(configDir: string): Promise<SecretsFile | undefined> {
  try {
    return JSON.parse(await readFile(path.join(configDir, 'secrets.json'), 'utf8')) as SecretsFile;
  } catch {
    return undefined;
  }
}

/** The control token written into a deployment's secrets.json, or undefined when there is none. */
export async function controlTokenOf(configDir: string): Promise<string | undefined> {
  const token = (await readSecretsFile(configDir))?.controlToken;
  return typeof token === 'string' ? token : undefined;
}

async function writeAtomically(file: string, content: string, mode: number): Promise<void> {
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(temp, content, { mode });
  // The umask may have narrowed the mode; set it exactly (0600 for anything secret).
  await chmod(temp, mode);
  await rename(temp, file);
}
