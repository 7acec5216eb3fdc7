/**
 * The runtime's view of its config bundle (ARCHITECTURE.md §3): the frozen DockSpec written by the
 * control plane at deploy. The runtime trusts nothing it reads: the spec is checked against the
 * same generated schema validator the control plane used.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import validateSchema from '../../src-shared/dockfile/generated/dockfile-schema-validator.js';
import type { DockSpec } from '../../src-shared/dockfile/types';

export interface RuntimeConfig {
  spec: DockSpec;
  /** Where the bundle was read from. */
  directory: string;
}

/** A config bundle problem, with what to do about it. */
export class RuntimeConfigError extends Error {
  override name = 'RuntimeConfigError';
}

/** Reads and checks `spec.json` from the config bundle directory. */
export async function loadRuntimeConfig(directory: string): Promise<RuntimeConfig> {
  const file = path.join(directory, 'spec.json');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new RuntimeConfigError(`cannot read ${file}: ${(error as Error).message}; set AGENTDOCK_CONFIG_DIR to the config bundle the control plane wrote`);
  }
  let spec: unknown;
  try {
    spec = JSON.parse(text);
  } catch (error) {
    throw new RuntimeConfigError(`${file} is not JSON: ${(error as Error).message}`);
  }
  if (!validateSchema(spec)) {
    const first = validateSchema.errors?.[0];
    throw new RuntimeConfigError(`${file} is not a valid frozen Dockfile: ${first?.instancePath || '/'} ${first?.message ?? ''}`.trim());
  }
  return { spec: spec as DockSpec, directory };
}
