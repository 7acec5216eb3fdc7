/**
 * Finds the built renderer (out/renderer, made by `npx electron-vite build`). This module runs
 * from the source tree (tests, tsx: src-main/serve) and from the bundled CLI (out/cli/agentdock.js),
 * so both layouts are tried.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';

/** Directories where the renderer may be, best first, for code living in `moduleDir`. */
export function rendererDirCandidates(moduleDir: string): string[] {
  return [
    // Bundled CLI: out/cli → out/renderer.
    path.resolve(moduleDir, '..', 'renderer'),
    // Source tree: src-main/serve → <repo>/out/renderer.
    path.resolve(moduleDir, '..', '..', 'out', 'renderer'),
  ];
}

/** The renderer directory, or an Error that says how to build it. */
export function findRendererDir(moduleDir: string = import.meta.dirname): string {
  const candidates = rendererDirCandidates(moduleDir);
  const found = candidates.find((candidate) => existsSync(path.join(candidate, 'index.html')));
  if (!found) throw new Error(`the console is not built (looked for index.html in ${candidates.join(', ')}); run npm run build:app`);
  return found;
}
