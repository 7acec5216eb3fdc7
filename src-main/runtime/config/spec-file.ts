/**
 * `spec.json`: the frozen DockSpec written by the control plane at deploy. The runtime trusts
 * nothing it reads, so the spec is checked against the same generated schema validator the control
 * plane used (which also fills the defaults).
 */
import validateSchema from '../../../src-shared/dockfile/generated/dockfile-schema-validator.js';
import type { DockSpec } from '../../../src-shared/dockfile/types';
import { RuntimeConfigError } from './config-error';
import { readBundleFile } from './bundle-file';

const FIX = 'redeploy so the control plane writes a fresh config bundle, or set AGENTDOCK_CONFIG_DIR to the bundle it wrote';

/** Reads and checks `spec.json` from the config bundle directory. */
export async function loadSpecFile(directory: string): Promise<DockSpec> {
  const content = await readBundleFile(directory, 'spec.json', { optional: false, fix: FIX });
  if (!content) throw new RuntimeConfigError(`spec.json is missing in ${directory}; ${FIX}`);
  if (!validateSchema(content.value)) {
    const first = validateSchema.errors?.[0];
    throw new RuntimeConfigError(`${content.file} is not a valid frozen Dockfile: ${`${first?.instancePath || '/'} ${first?.message ?? ''}`.trim()}; ${FIX}`);
  }
  return content.value as DockSpec;
}
