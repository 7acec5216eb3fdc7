/**
 * Finds the built AgentDock runtime (`out/runtime`: agentdock-runtime.js, sdk.js, python/, docs/)
 * that every bundle carries. This module runs from the source tree (tests, tsx: src-main/core/build)
 * and from the bundled programs (out/cli/agentdock.js, out/main/…), so both layouts are tried.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { CoreError } from '../contracts';

/** The file that marks a runtime directory. */
export const RUNTIME_ENTRY = 'agentdock-runtime.js';

/** Directories where the runtime may be, best first, for code living in `moduleDir`. */
export function runtimeDirCandidates(moduleDir: string): string[] {
  return [
    // Bundled programs: out/cli/agentdock.js or out/main/index.js → out/runtime.
    path.resolve(moduleDir, '..', 'runtime'),
    // Source tree: src-main/core/build → <repo>/out/runtime.
    path.resolve(moduleDir, '..', '..', '..', 'out', 'runtime'),
  ];
}

/** The runtime directory, or a CoreError (E2002) that says to build it. `moduleDir` defaults to this module's directory. */
export function findRuntimeDir(moduleDir: string = import.meta.dirname): string {
  const candidates = runtimeDirCandidates(moduleDir);
  const found = candidates.find((candidate) => existsSync(path.join(candidate, RUNTIME_ENTRY)));
  if (!found) {
    throw new CoreError('E2002', `the AgentDock runtime is not built (looked for ${RUNTIME_ENTRY} in ${candidates.join(', ')}); run npm run build:node`, { candidates });
  }
  return found;
}
