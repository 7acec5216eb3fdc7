/**
 * Builds the versioned bundle of one agent: the runtime, the agent's source and the frozen spec,
 * named by a content hash (ARCHITECTURE.md §5 "build"). Same inputs → same hash → the existing
 * bundle is reused and nothing is copied.
 *
 * Layout of `<bundlesDir>/<resourceName>/<hash>/`:
 *   agent/          the project's files (see ignore-rules.ts; `.env` and other secret files never),
 *                   plus `<entry>.agentdock.mjs` for a TypeScript entry (typescript-entry.ts)
 *   runtime/        a copy of out/runtime: agentdock-runtime.js, sdk.js, python/, docs/
 *   spec.json       the frozen spec, canonical JSON, secrets redacted (spec-secrets.ts)
 *   manifest.json   every file with its size, mode and SHA-256, and how it was built — no secrets
 *
 * The hash is SHA-256 over a canonical listing: a format line, the language and entry plan, the
 * spec's SHA-256, then one line per file of agent/ and runtime/ (relative path, mode, content
 * SHA-256, or a link's target), sorted by path. Timestamps, owners and absolute paths are not in
 * it, so two checkouts of the same project hash the same. The Dockfile itself is left out of
 * agent/: spec.json is its frozen form, and a comment edit should not make a new version.
 *
 * node_modules of a JavaScript/TypeScript agent is copied like any other source: the bundle must
 * run where the project is not (an image; a process replica after the project moved on), and npm
 * packages stay external to the compiled entry. Its lockfile is then hashed as part of the source;
 * the size limit (and .agentdockignore) keeps it bounded. Python agents' dependencies come from
 * the interpreter's environment (`runtime.json` pythonPath), so node_modules is skipped for them.
 */
import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import type { DockSpec } from '../../../src-shared/dockfile/types';
import { isDnsLabel, toResourceName } from '../../../src-shared/dockfile/names';
import type { BuildArtifact } from '../contracts';
import { CoreError } from '../contracts';
import { copyEntries, createTempDir, publishDirectory, removeStaleTempDirs, syncTree, writeFileDurably } from './bundle-writer';
import { canonicalJson, compareBytes, sha256Hex } from './content-hash';
import { IgnoreMatcher, PYTHON_EXTRA_IGNORES } from './ignore-rules';
import { walkTree } from './source-tree';
import type { TreeEntry, TreeLimits } from './source-tree';
import { redactSpecSecrets } from './spec-secrets';
import { compileEntrypoint, planEntrypoint } from './typescript-entry';
import type { AgentLanguage, EntrypointPlan } from './typescript-entry';

/** Bumped when the layout or the hash listing changes, so old and new bundles never share a hash. */
export const BUNDLE_FORMAT = 1;

/** Default bounds on the agent's files (node_modules included). */
export const DEFAULT_BUNDLE_LIMITS: TreeLimits = { maxBytes: 256 * 1024 * 1024, maxFiles: 50_000 };

/** Name of the project's ignore file. */
export const IGNORE_FILE = '.agentdockignore';

/** Where build progress goes (the CLI's progress display, the deploy stepper). */
export interface BuildLogger {
  info(message: string): void;
  warn(message: string): void;
}

export interface BuildAgentBundleOptions {
  projectDir: string;
  /** The Dockfile the spec was frozen from (left out of agent/, named in the manifest). */
  dockfileFile: string;
  /** The frozen DockSpec (validated, defaults applied). */
  spec: DockSpec;
  language: AgentLanguage;
  /** The built runtime directory (`findRuntimeDir()`). */
  runtimeDir: string;
  /** `<data dir>/bundles`. */
  bundlesDir: string;
  logger?: BuildLogger;
  /** Bounds on the agent's files; defaults DEFAULT_BUNDLE_LIMITS. */
  limits?: Partial<TreeLimits>;
  signal?: AbortSignal;
  /** For `builtAt` in the manifest. */
  clock?: () => Date;
  /** fsync every file and directory before publishing (default true; tests of other modules may turn it off for speed). */
  durable?: boolean;
}

/** A built (or reused) bundle. */
export interface AgentBundle extends BuildArtifact {
  /** True when a bundle with this hash already existed and nothing was written. */
  reused: boolean;
  /** `<bundleDir>/agent`: what runtime.json's `projectDir` must name for a process replica. */
  agentDir: string;
  /** `<bundleDir>/runtime/agentdock-runtime.js`. */
  runtimeEntry: string;
  /** `agent.entrypoint` the runtime must be given (the compiled module for a TypeScript entry). */
  entrypoint: string;
  /**
   * The spec for the deployment's config dir (`spec.json` the runtime reads): the input spec with
   * `agent.entrypoint` rewritten, secrets intact. Held in memory only; the bundle stores it redacted.
   */
  runSpec: DockSpec;
  /** Files and bytes of agent/ (before compiling). */
  files: number;
  bytes: number;
  /** Project paths left out because they look like secrets (`.env`, keys): tell the user to use the vault. */
  secretsSkipped: string[];
}

interface ManifestFile {
  path: string;
  size?: number;
  mode?: string;
  sha256?: string;
  symlink?: string;
}

/** Builds or reuses the bundle for these inputs (see the file header). */
export async function buildAgentBundle(options: BuildAgentBundleOptions): Promise<AgentBundle> {
  const { spec, language, logger, signal } = options;
  const agent = spec.agent.name;
  const resourceName = toResourceName(agent);
  // The name becomes a directory: refuse anything that is not a plain DNS label.
  if (!isDnsLabel(resourceName)) throw new CoreError('E2002', `agent name ${agent} does not map to a DNS-safe resource name; fix agent.name in the Dockfile`);
  const limits: TreeLimits = { ...DEFAULT_BUNDLE_LIMITS, ...options.limits };
  const projectDir = path.resolve(options.projectDir);

  const ignoreFileText = await readFile(path.join(projectDir, IGNORE_FILE), 'utf8').catch(() => undefined);
  const matcher = new IgnoreMatcher({ ...(ignoreFileText !== undefined ? { ignoreFileText } : {}), ...(language === 'python' ? { extraIgnores: PYTHON_EXTRA_IGNORES } : {}) });
  const project = await walkTree(projectDir, { matcher, limits, label: 'the agent project', ...(signal ? { signal } : {}) });
  const dockfile = path.relative(projectDir, path.resolve(options.dockfileFile)).split(path.sep).join('/');
  const agentEntries = project.entries.filter((entry) => entry.path !== dockfile);
  for (const skipped of project.secretsSkipped) logger?.warn(`left ${skipped} out of the bundle: it looks like a secret (use the vault: agentdock secret set)`);
  const runtime = await walkTree(options.runtimeDir, {
    matcher: new IgnoreMatcher(),
    limits: { maxBytes: Number.MAX_SAFE_INTEGER, maxFiles: Number.MAX_SAFE_INTEGER },
    label: 'the AgentDock runtime',
    ...(signal ? { signal } : {}),
  });
  if (!runtime.entries.some((entry) => entry.path === 'agentdock-runtime.js')) {
    throw new CoreError('E2002', `${options.runtimeDir} holds no agentdock-runtime.js; run npm run build:node`);
  }

  const plan = planEntrypoint(spec.agent.entrypoint, language, new Set(agentEntries.map((entry) => entry.path)));
  const runSpec = { ...structuredClone(spec), agent: { ...structuredClone(spec.agent), entrypoint: plan.entrypoint } } as DockSpec;
  const specText = `${canonicalJson(redactSpecSecrets(runSpec))}\n`;
  const contentHash = sha256Hex(hashListing(language, plan, specText, agentEntries, runtime.entries));

  const resourceDir = path.join(path.resolve(options.bundlesDir), resourceName);
  const bundleDir = path.join(resourceDir, contentHash);
  const result = (reused: boolean): AgentBundle => ({
    agent,
    resourceName,
    contentHash,
    bundleDir,
    language,
    reused,
    agentDir: path.join(bundleDir, 'agent'),
    runtimeEntry: path.join(bundleDir, 'runtime', 'agentdock-runtime.js'),
    entrypoint: plan.entrypoint,
    runSpec,
    files: agentEntries.length,
    bytes: project.bytes,
    secretsSkipped: project.secretsSkipped,
  });

  if (existsSync(path.join(bundleDir, 'manifest.json'))) {
    logger?.info(`bundle ${contentHash.slice(0, 12)} of ${agent} already exists: reused, nothing rebuilt`);
    return result(true);
  }
  // A directory without a manifest was not made by a completed build (publishing is one rename).
  if (existsSync(bundleDir)) await rm(bundleDir, { recursive: true, force: true });

  await removeStaleTempDirs(resourceDir);
  const temp = await createTempDir(resourceDir, contentHash.slice(0, 16));
  try {
    const durable = options.durable ?? true;
    logger?.info(`building bundle ${contentHash.slice(0, 12)} of ${agent}: ${agentEntries.length} files`);
    await copyEntries(agentEntries, path.join(temp, 'agent'), { durable, label: 'the agent project', ...(signal ? { signal } : {}) });
    await copyEntries(runtime.entries, path.join(temp, 'runtime'), { durable, label: 'the AgentDock runtime', ...(signal ? { signal } : {}) });
    const compiled = await compileEntrypoint(path.join(temp, 'agent'), plan);
    if (plan.compile) logger?.info(`compiled ${plan.compile.from} to ${plan.compile.to}`);
    await writeFileDurably(path.join(temp, 'spec.json'), specText, 0o644, durable);
    const manifest = {
      format: BUNDLE_FORMAT,
      agent,
      resourceName,
      contentHash,
      language,
      entrypoint: plan.entrypoint,
      sourceEntrypoint: plan.sourceEntrypoint,
      dockfile,
      builtAt: (options.clock ?? (() => new Date()))().toISOString(),
      ...(plan.compile ? { compiled: { from: plan.compile.from, to: plan.compile.to, esbuild: plan.compile.esbuild } } : {}),
      secretsSkipped: project.secretsSkipped,
      files: await manifestFiles(temp, agentEntries, runtime.entries, compiled, specText),
    };
    await writeFileDurably(path.join(temp, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`, 0o644, durable);
    if (durable) await syncTree(temp);
    signal?.throwIfAborted();
    const published = await publishDirectory(temp, bundleDir);
    if (!published && !existsSync(path.join(bundleDir, 'manifest.json'))) throw new CoreError('E2002', `cannot publish the bundle at ${bundleDir}; check the data directory's permissions`);
    logger?.info(published ? `bundle ${contentHash.slice(0, 12)} of ${agent} ready` : `bundle ${contentHash.slice(0, 12)} of ${agent} was built concurrently: reused`);
    return result(!published);
  } catch (error) {
    await rm(temp, { recursive: true, force: true });
    throw error;
  }
}

/** The canonical listing the content hash is taken over (see the file header). */
function hashListing(language: AgentLanguage, plan: EntrypointPlan, specText: string, agent: readonly TreeEntry[], runtime: readonly TreeEntry[]): string {
  const lines = [
    `agentdock-bundle ${BUNDLE_FORMAT}`,
    canonicalJson({ language, entrypoint: plan.entrypoint, compiler: plan.compile ? `esbuild ${plan.compile.esbuild}` : null }),
    `spec ${sha256Hex(specText)}`,
  ];
  const entries = [...agent.map((entry) => ({ prefix: 'agent/', entry })), ...runtime.map((entry) => ({ prefix: 'runtime/', entry }))].sort((a, b) =>
    compareBytes(a.prefix + a.entry.path, b.prefix + b.entry.path),
  );
  for (const { prefix, entry } of entries) {
    lines.push(JSON.stringify(entry.kind === 'file' ? [prefix + entry.path, 'file', entry.mode.toString(8), entry.sha256] : [prefix + entry.path, 'symlink', entry.target]));
  }
  return lines.join('\n');
}

async function manifestFiles(bundleDir: string, agent: readonly TreeEntry[], runtime: readonly TreeEntry[], compiled: readonly string[], specText: string): Promise<ManifestFile[]> {
  const describe = (prefix: string, entry: TreeEntry): ManifestFile =>
    entry.kind === 'file'
      ? { path: prefix + entry.path, size: entry.size, mode: entry.mode.toString(8), sha256: entry.sha256 }
      : { path: prefix + entry.path, symlink: entry.target };
  const files = [...agent.map((entry) => describe('agent/', entry)), ...runtime.map((entry) => describe('runtime/', entry))];
  for (const relative of compiled) {
    const file = path.join(bundleDir, 'agent', ...relative.split('/'));
    const content = await readFile(file);
    files.push({ path: `agent/${relative}`, size: content.length, mode: '644', sha256: sha256Hex(content) });
  }
  files.push({ path: 'spec.json', size: Buffer.byteLength(specText), mode: '644', sha256: sha256Hex(specText) });
  return files.sort((a, b) => compareBytes(a.path, b.path));
}

export type { TreeLimits };
