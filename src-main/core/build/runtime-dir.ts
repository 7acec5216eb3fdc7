/**
 * Finds the built AgentDock runtime (`out/runtime`: agentdock-runtime.js, sdk.js, python/, docs/)
 * that every bundle carries. This module runs from the source tree (tests, tsx: src-main/core/build),
 * from the bundled programs (out/cli/agentdock.js, out/main/…), and from the packaged desktop app,
 * where electron-builder puts the runtime in the app's resources folder (`extraResources` in
 * electron-builder.yml) as real files: replicas run it with a plain `node`-like process, which
 * cannot read inside app.asar.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { CoreError } from '../contracts';

/** The file that marks a runtime directory. */
export const RUNTIME_ENTRY = 'agentdock-runtime.js';

/** Electron's resources folder (`process.resourcesPath`) in the desktop app; undefined under plain Node. */
function electronResourcesDir(): string | undefined {
  const resourcesPath = (process as { resourcesPath?: unknown }).resourcesPath;
  return typeof resourcesPath === 'string' ? resourcesPath : undefined;
}

/** Directories where the runtime may be, best first, for code living in `moduleDir`. */
export function runtimeDirCandidates(moduleDir: string, resourcesDir: string | undefined = electronResourcesDir()): string[] {
  return [
    // The packaged desktop app: <resources>/runtime (electron-builder extraResources).
    ...(resourcesDir !== undefined ? [path.join(resourcesDir, 'runtime')] : []),
    // Bundled programs: out/cli/agentdock.js or out/main/index.js → out/runtime.
    path.resolve(moduleDir, '..', 'runtime'),
    // Source tree: src-main/core/build → <repo>/out/runtime.
    path.resolve(moduleDir, '..', '..', '..', 'out', 'runtime'),
  ];
}

/**
 * The runtime directory, or a CoreError (E2002) that says to build it. `moduleDir` defaults to this
 * module's directory, `resourcesDir` to Electron's resources folder when running in the app.
 */
export function findRuntimeDir(moduleDir: string = import.meta.dirname, resourcesDir: string | undefined = electronResourcesDir()): string {
  const candidates = runtimeDirCandidates(moduleDir, resourcesDir);
  const found = candidates.find((candidate) => existsSync(path.join(candidate, RUNTIME_ENTRY)));
  if (!found) {
    throw new CoreError('E2002', `the AgentDock runtime is not built (looked for ${RUNTIME_ENTRY} in ${candidates.join(', ')}); run npm run build:node`, { candidates });
  }
  return found;
}
