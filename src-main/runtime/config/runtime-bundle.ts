/**
 * The config bundle as one value: the frozen spec, runtime settings, API keys and secrets, read from
 * the directory the control plane mounted (README.md beside the runtime, "Config bundle").
 * keys.json, secrets.json and budget.json are the reloadable parts; the rest is fixed for the
 * process's life.
 */
import type { DockSpec } from '../../../src-shared/dockfile/types';
import { parseBudgetFile } from './budget-file';
import type { BudgetFile } from './budget-file';
import { checkBundleFile, readBundleFile } from './bundle-file';
import { RuntimeConfigError } from './config-error';
import { EMPTY_KEYS_FILE, parseKeysFile } from './keys-file';
import type { KeysFile } from './keys-file';
import { parseRuntimeSettings } from './runtime-settings';
import type { RuntimeSettings } from './runtime-settings';
import { parseSecretsFile, secretsModeWarning } from './secrets-file';
import type { SecretsFile } from './secrets-file';
import { deepFreeze } from './shape-check';
import { loadSpecFile } from './spec-file';

/** What reloads on SIGUSR1 or a file change. Deep-frozen: shared by in-flight requests. */
export interface ReloadableParts {
  readonly keys: Readonly<KeysFile>;
  readonly secrets: Readonly<SecretsFile>;
  /** An approved budget limit that replaces runtime.json's (budget-file.ts); absent when none. */
  readonly budget?: Readonly<BudgetFile>;
  /** Problems worth a log line (never containing a secret), e.g. a too-open secrets.json. */
  readonly warnings: readonly string[];
}

export interface RuntimeBundle extends ReloadableParts {
  readonly directory: string;
  readonly spec: DockSpec;
  readonly settings: Readonly<RuntimeSettings>;
}

/** Reloadable parts plus their source text, which the watcher compares to skip no-op reloads. */
export interface LoadedReloadableParts {
  parts: ReloadableParts;
  /** keys.json, secrets.json and budget.json as read; holds secrets, so it stays in memory and is never emitted. */
  source: string;
}

const KEYS_FIX = 'have the control plane rewrite it (agentdock key list shows the keys), or fix the field named';
const SECRETS_FIX = 'redeploy to rewrite it, or fix the field named';
const SETTINGS_FIX = 'redeploy so the control plane writes a fresh runtime.json, or fix the field named';
const BUDGET_FIX = 'approve the budget again from the console (it rewrites the file), or fix the field named';

/** Reads keys.json, secrets.json and budget.json (all optional: absent means no keys, no secrets, runtime.json's budget). */
export async function loadReloadableParts(directory: string): Promise<LoadedReloadableParts> {
  const keysContent = await readBundleFile(directory, 'keys.json', { optional: true, fix: KEYS_FIX });
  const keys = keysContent ? checkBundleFile(keysContent, parseKeysFile, KEYS_FIX) : EMPTY_KEYS_FILE;
  const secretsContent = await readBundleFile(directory, 'secrets.json', { optional: true, fix: SECRETS_FIX });
  const secrets = secretsContent ? checkBundleFile(secretsContent, parseSecretsFile, SECRETS_FIX) : {};
  const budgetContent = await readBundleFile(directory, 'budget.json', { optional: true, fix: BUDGET_FIX });
  const budget = budgetContent ? checkBundleFile(budgetContent, parseBudgetFile, BUDGET_FIX) : undefined;
  const warnings: string[] = [];
  if (secretsContent) {
    const warning = await secretsModeWarning(secretsContent.file).catch(() => undefined);
    if (warning) warnings.push(warning);
  }
  return {
    parts: deepFreeze({ keys, secrets, ...(budget ? { budget } : {}), warnings }),
    source: `${keysContent?.text ?? ''}\u0000${secretsContent?.text ?? ''}\u0000${budgetContent?.text ?? ''}`,
  };
}

/** Reads and checks the whole config bundle; throws RuntimeConfigError naming the file at fault. */
export async function loadRuntimeBundle(directory: string): Promise<RuntimeBundle> {
  const spec = await loadSpecFile(directory);
  const settingsContent = await readBundleFile(directory, 'runtime.json', { optional: false, fix: SETTINGS_FIX });
  if (!settingsContent) throw new RuntimeConfigError(`runtime.json is missing in ${directory}; ${SETTINGS_FIX}`);
  const settings = checkBundleFile(settingsContent, parseRuntimeSettings, SETTINGS_FIX);
  const { parts } = await loadReloadableParts(directory);
  const warnings = [...parts.warnings];
  if (spec.auth.mode === 'jwt' && !parts.secrets.jwtSecret && !spec.auth.jwt?.secret_key) {
    warnings.push('auth.mode is jwt but neither secrets.json jwtSecret nor auth.jwt.secret_key is set: every bearer token will be refused');
  }
  // The spec is left unfrozen: other modules own how they read it. The parts they share are frozen.
  return Object.freeze({ directory, spec, settings: deepFreeze(settings), keys: parts.keys, secrets: parts.secrets, ...(parts.budget ? { budget: parts.budget } : {}), warnings: Object.freeze(warnings) });
}
