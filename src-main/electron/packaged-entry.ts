/**
 * Entry point of the packaged desktop app (electron-builder.yml sets it as the app's
 * package.json `main`; `npm start` keeps out/main/index.js). Before anything loads esbuild, it
 * points esbuild at its native binary in app.asar.unpacked: the binary cannot be spawned from
 * inside app.asar (Electron patches only execFile for asar paths), and esbuild reads
 * ESBUILD_BINARY_PATH once, when its module loads — which, for a static import in the bundled
 * main process, is before any of our code runs. Then it starts the app.
 */
import { createRequire } from 'node:module';
import { esbuildBinaryModule, unpackedPath } from './asar-paths';

function unpackedEsbuildBinary(): string | undefined {
  try {
    // Resolved from esbuild's own location, as esbuild does (its platform package is its dependency).
    const fromEsbuild = createRequire(createRequire(import.meta.url).resolve('esbuild'));
    return unpackedPath(fromEsbuild.resolve(esbuildBinaryModule(process.platform, process.arch)));
  } catch {
    return undefined; // Not installed for this platform: esbuild says so itself when a TypeScript agent is built.
  }
}

if (process.env.ESBUILD_BINARY_PATH === undefined) {
  const binary = unpackedEsbuildBinary();
  if (binary !== undefined) process.env.ESBUILD_BINARY_PATH = binary;
}

await import('./main');
