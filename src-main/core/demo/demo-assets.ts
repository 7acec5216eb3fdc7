/**
 * The demo's files: the lead list and the agent projects, built into `out/demo` by
 * scripts/build-node-bundles.mjs (the JavaScript agent gets its npm packages pre-bundled into
 * node_modules/, so it runs with no registry), shipped beside the runtime in the desktop app
 * (`<resources>/demo`, electron-builder extraResources). A run copies a project into the data dir
 * and adds the LinkedIn snapshot the agent falls back on.
 */
import { existsSync } from 'node:fs';
import { cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { CoreError } from '../contracts';
import { findRuntimeDir } from '../build/runtime-dir';
import type { DemoLead } from './demo-script';

export type DemoVariant = 'javascript' | 'python';

const PROJECT_DIRS: Record<DemoVariant, string> = { javascript: 'lead-gen', python: 'lead-gen-python' };

/** The built demo directory (beside the runtime: out/demo, or the app's resources/demo). */
export function findDemoDir(runtimeDir: string = findRuntimeDir()): string {
  const dir = path.join(path.dirname(runtimeDir), 'demo');
  if (!existsSync(path.join(dir, 'leads.json'))) throw new CoreError('E2002', `the demo is not built (no ${path.join(dir, 'leads.json')}); run npm run build:node`);
  return dir;
}

/** The 100 synthetic leads. */
export async function loadDemoLeads(demoDir: string): Promise<DemoLead[]> {
  const parsed = JSON.parse(await readFile(path.join(demoDir, 'leads.json'), 'utf8')) as { leads?: DemoLead[] };
  if (!Array.isArray(parsed.leads) || parsed.leads.length === 0) throw new CoreError('E2002', `${path.join(demoDir, 'leads.json')} has no leads; rebuild with npm run build:node`);
  return parsed.leads;
}

/**
 * Copies the variant's agent project to `<dataDir>/demo/<project>` (replacing an earlier copy) and
 * writes its LinkedIn snapshot (`data/linkedin-cache.json`, the profiles LinkedIn serves, as a
 * nightly export would hold them). The same inputs give the same files, so re-runs reuse the
 * agent's version.
 */
export async function materializeDemoProject(input: { dataDir: string; demoDir: string; variant: DemoVariant; snapshot: Record<string, unknown> }): Promise<string> {
  const source = path.join(input.demoDir, PROJECT_DIRS[input.variant]);
  if (!existsSync(source)) throw new CoreError('E2002', `the demo's ${input.variant} agent is not built (no ${source}); run npm run build:node`);
  const target = path.join(input.dataDir, 'demo', PROJECT_DIRS[input.variant]);
  await rm(target, { recursive: true, force: true });
  await mkdir(path.dirname(target), { recursive: true });
  await cp(source, target, { recursive: true });
  await mkdir(path.join(target, 'data'), { recursive: true });
  await writeFile(path.join(target, 'data', 'linkedin-cache.json'), `${JSON.stringify({ note: 'Synthetic LinkedIn snapshot for the AgentDock demo.', profiles: input.snapshot }, null, 2)}\n`);
  return target;
}
