/**
 * The spec-only view of the config bundle, kept for the first-slice entry (index.ts) and the health
 * server. New code reads the whole bundle with `loadRuntimeBundle` from `config/runtime-bundle.ts`.
 */
import type { DockSpec } from '../../src-shared/dockfile/types';
import { loadSpecFile } from './config/spec-file';

export { RuntimeConfigError } from './config/config-error';

export interface RuntimeConfig {
  spec: DockSpec;
  /** Where the bundle was read from. */
  directory: string;
}

/** Reads and checks `spec.json` from the config bundle directory. */
export async function loadRuntimeConfig(directory: string): Promise<RuntimeConfig> {
  return { spec: await loadSpecFile(directory), directory };
}
