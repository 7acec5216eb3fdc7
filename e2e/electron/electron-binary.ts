/**
 * Where the Electron binary is, or why there is none. The `electron` npm package installs without
 * its binary on machines that cannot reach its download host (ENVIRONMENT.md): there the Electron
 * suite skips, saying why in one line; everywhere else it runs.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

export type ElectronBinary = { found: true; path: string } | { found: false; reason: string };

/** ELECTRON_PATH, else the `electron` package's own binary (node_modules/electron/dist). */
export function findElectronBinary(env: Readonly<Record<string, string | undefined>> = process.env): ElectronBinary {
  const configured = env.ELECTRON_PATH;
  if (configured) {
    return existsSync(configured) ? { found: true, path: configured } : { found: false, reason: `ELECTRON_PATH is ${configured}, which does not exist` };
  }
  let installed: unknown;
  try {
    // The package's main exports the binary's path, and throws when the download never happened.
    installed = createRequire(import.meta.url)('electron');
  } catch {
    installed = undefined;
  }
  if (typeof installed === 'string' && existsSync(installed)) return { found: true, path: installed };
  return {
    found: false,
    reason:
      'the Electron binary is not installed (node_modules/electron/dist is missing: its download host is unreachable here). ' +
      'Install it with `node node_modules/electron/install.js` where it is reachable, or set ELECTRON_PATH to an Electron executable.',
  };
}
