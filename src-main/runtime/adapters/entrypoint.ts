/**
 * `agent.entrypoint` (`module:symbol`) resolved against the agent project at start-up. The control
 * plane checked it statically at validate time; this is the runtime's own check, because the
 * bundle is all it trusts. Resolution never leaves the project directory (symlinks included).
 */
import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { splitReference } from '../../../src-shared/dockfile/semantic/code-references';
import { AgentRunError } from '../contracts';

export interface EntrypointReference {
  /** `pkg.module` (Python) or a path such as `src/agent` or `./agent.mjs` (JavaScript). */
  module: string;
  symbol: string;
}

/** Extensions Node imports natively; `.ts`-family files need Node's type stripping. */
const RUNNABLE_EXTENSIONS = ['.js', '.mjs', '.cjs', '.ts', '.mts', '.cts'];
const TYPESCRIPT_EXTENSION = /\.(ts|mts|cts)$/;

/** Splits `module:symbol`; throws an AgentRunError naming the bad value. */
export function parseEntrypoint(entrypoint: string): EntrypointReference {
  const parts = splitReference(entrypoint);
  if (!parts) throw loadError(`agent.entrypoint "${entrypoint}" is not module:symbol`);
  return parts;
}

/** Candidate files for a JS/TS module reference, best first; compiled JavaScript wins over its source. */
export function jsModuleCandidates(module: string): string[] {
  const base = module.includes('/') || /\.([mc]?[jt]s|[jt]sx)$/.test(module) ? module : module.replace(/\./g, '/');
  const extension = path.extname(base);
  if (RUNNABLE_EXTENSIONS.includes(extension) || extension === '.tsx' || extension === '.jsx') {
    const stem = base.slice(0, -extension.length);
    // TypeScript ESM projects write `./agent.js` in imports while the file on disk is agent.ts.
    if (extension === '.js') return [base, `${stem}.ts`];
    if (extension === '.mjs') return [base, `${stem}.mts`];
    if (extension === '.cjs') return [base, `${stem}.cts`];
    return [base];
  }
  return [...RUNNABLE_EXTENSIONS.map((ext) => `${base}${ext}`), ...RUNNABLE_EXTENSIONS.map((ext) => `${base}/index${ext}`)];
}

/** Finds the entry module file of a JavaScript/TypeScript agent inside `projectDir`. */
export async function resolveJsEntrypoint(reference: EntrypointReference, projectDir: string): Promise<string> {
  const root = await realpath(projectDir).catch(() => {
    throw loadError(`agent project directory ${projectDir} does not exist`);
  });
  const candidates = jsModuleCandidates(reference.module);
  for (const candidate of candidates) {
    const file = path.resolve(root, candidate);
    if (!isInside(root, file)) throw loadError(`entrypoint module ${reference.module} is outside the agent project`);
    const info = await stat(file).catch(() => undefined);
    if (!info?.isFile()) continue;
    const real = await realpath(file);
    if (!isInside(root, real)) throw loadError(`entrypoint module ${reference.module} resolves outside the agent project (through a symlink to ${real})`);
    const extension = path.extname(real);
    if (extension === '.tsx' || extension === '.jsx') {
      throw loadError(`${candidate} needs a JSX transform; compile the agent to JavaScript and point agent.entrypoint at the .js file`);
    }
    if (TYPESCRIPT_EXTENSION.test(real) && !typeScriptSupported()) {
      throw loadError(`${candidate} is TypeScript and this Node has no type stripping (needs Node ≥ 22.18); compile the agent to JavaScript and point agent.entrypoint at the .js file`);
    }
    return real;
  }
  throw loadError(`cannot find module ${reference.module} in ${projectDir} (looked for ${candidates.slice(0, 6).join(', ')})`);
}

/** A start-up failure: the adapter cannot serve, so every call reports it. */
export function loadError(message: string, cause?: unknown): AgentRunError {
  return new AgentRunError(message, 'AdapterCrashed', { phase: 'load', ...(cause instanceof Error ? { errorName: cause.name } : {}) });
}

function isInside(root: string, file: string): boolean {
  const relative = path.relative(root, file);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
}

function typeScriptSupported(): boolean {
  return Boolean((process.features as { typescript?: unknown }).typescript);
}
