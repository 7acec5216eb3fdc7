/**
 * Paths in the packaged app: files electron-builder unpacks (asarUnpack in electron-builder.yml)
 * live in app.asar.unpacked beside app.asar, and native executables must be spawned from there.
 */
import path from 'node:path';

/** `…/app.asar/node_modules/x` → `…/app.asar.unpacked/node_modules/x`; other paths unchanged. */
export function unpackedPath(file: string, separator: string = path.sep): string {
  return file.replace(`${separator}app.asar${separator}`, `${separator}app.asar.unpacked${separator}`);
}

/** esbuild's native binary for a platform, as a module path (`@esbuild/linux-x64/bin/esbuild`), named as esbuild's own install names it. */
export function esbuildBinaryModule(platform: NodeJS.Platform, arch: string): string {
  return platform === 'win32' ? `@esbuild/win32-${arch}/esbuild.exe` : `@esbuild/${platform}-${arch}/bin/esbuild`;
}
