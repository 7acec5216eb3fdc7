import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { findRuntimeDir } from './runtime-dir';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function install(layout: string[]): string {
  const root = mkdtempSync(path.join(tmpdir(), 'agentdock-install-'));
  dirs.push(root);
  for (const file of layout) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), '');
  }
  return root;
}

describe('findRuntimeDir', () => {
  it('finds out/runtime beside the bundled CLI', () => {
    const root = install(['out/cli/agentdock.js', 'out/runtime/agentdock-runtime.js']);
    expect(findRuntimeDir(path.join(root, 'out/cli'))).toBe(path.join(root, 'out/runtime'));
  });

  it('finds out/runtime from the source tree', () => {
    const root = install(['src-main/core/build/runtime-dir.ts', 'out/runtime/agentdock-runtime.js']);
    expect(findRuntimeDir(path.join(root, 'src-main/core/build'))).toBe(path.join(root, 'out/runtime'));
  });

  it("finds the packaged desktop app's runtime in its resources folder (outside app.asar)", () => {
    // electron-builder.yml: out/main is inside resources/app.asar, out/runtime is extraResources → resources/runtime.
    const root = install(['resources/app.asar/out/main/index.js', 'resources/runtime/agentdock-runtime.js']);
    expect(findRuntimeDir(path.join(root, 'resources/app.asar/out/main'), path.join(root, 'resources'))).toBe(path.join(root, 'resources/runtime'));
  });

  it('says to run the build when the runtime is missing', () => {
    const root = install(['src-main/core/build/runtime-dir.ts']);
    expect(() => findRuntimeDir(path.join(root, 'src-main/core/build'))).toThrow(/the AgentDock runtime is not built .*; run npm run build:node/);
  });

  it('finds this repository’s own runtime by default once it is built', () => {
    // out/runtime exists in a built checkout (npm install runs build:node through `prepare`).
    expect(findRuntimeDir()).toBe(path.resolve(import.meta.dirname, '../../../out/runtime'));
  });
});
