// electron-builder.yml, proven without packing: the Electron binary cannot be downloaded on these
// machines, so `electron-builder` itself cannot run here. Instead this loads the file the way
// electron-builder does, validates it with electron-builder's own schema validation, and runs
// electron-builder's own file matcher over what `electron-vite build` and `build:node` produce:
// the app's files are in app.asar, better-sqlite3's native module and esbuild's binary are
// unpacked, the runtime lands where findRuntimeDir looks for it, and every package the main
// process imports is a production dependency the package keeps.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import type { Stats } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runtimeDirCandidates } from '../src-main/core/build/runtime-dir';
import { esbuildBinaryModule } from '../src-main/electron/asar-paths';
import { ensureRendererBuilt } from '../src-main/serve/test-support';

const root = path.join(import.meta.dirname, '..');

// app-builder-lib is electron-builder's library (a dependency of it, resolved from its location).
const fromBuilder = createRequire(createRequire(import.meta.url).resolve('electron-builder'));
const configModule = fromBuilder('app-builder-lib/out/util/config/config') as {
  getConfig(projectDir: string, configPath: string | null, configFromOptions: null): Promise<BuilderConfig>;
  validateConfiguration(config: BuilderConfig, debugLogger: unknown): Promise<void>;
};
interface Matcher {
  from: string;
  to: string;
  patterns: string[];
  createFilter(): (file: string, stat: Stats) => boolean;
}
const fileMatcher = fromBuilder('app-builder-lib/out/fileMatcher') as {
  FileMatcher: new (from: string, to: string, macroExpander: (pattern: string) => string, patterns?: string[]) => Matcher;
  getFileMatchers(config: BuilderConfig, name: 'files' | 'asarUnpack' | 'extraResources', destination: string, options: Record<string, unknown>): Matcher[] | null;
};
const { DebugLogger } = createRequire(fromBuilder.resolve('app-builder-lib'))('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };

interface BuilderConfig {
  appId?: string;
  productName?: string;
  asar?: boolean;
  asarUnpack?: string[];
  extraMetadata?: { main?: string };
  npmRebuild?: boolean;
  electronFuses?: { runAsNode?: boolean };
  directories?: { buildResources?: string };
  linux?: { target?: string[]; category?: string };
  mac?: { target?: string[]; hardenedRuntime?: boolean; entitlements?: string; entitlementsInherit?: string };
  win?: { target?: string[] };
  [key: string]: unknown;
}

let config: BuilderConfig;

/** Every file under `dir` (absolute paths). */
function filesUnder(dir: string): string[] {
  return (readdirSync(dir, { recursive: true }) as string[]).map((entry) => path.join(dir, entry)).filter((file) => statSync(file).isFile());
}

/** electron-builder's own matchers for one option (`to` resolved against `destination`), as it computes them for Linux. */
function matchersOf(name: 'files' | 'asarUnpack' | 'extraResources', destination = ''): Matcher[] {
  return fileMatcher.getFileMatchers(config, name, destination, { macroExpander: (pattern: string) => pattern, customBuildOptions: config.linux ?? {}, globalOutDir: path.join(root, 'dist'), defaultSrc: root }) ?? [];
}

/** A matcher's filter for a file on disk. */
function filterOf(matcher: Matcher): (file: string) => boolean {
  const filter = matcher.createFilter();
  return (file) => filter(file, statSync(file));
}

beforeAll(async () => {
  // The unit tests run before `npm run build`: build what is missing, under the shared lock.
  ensureRendererBuilt();
  for (const file of ['out/main/index.js', 'out/main/packaged.js', 'out/preload/index.cjs', 'out/runtime/agentdock-runtime.js']) {
    if (!existsSync(path.join(root, file))) throw new Error(`${file} is missing: run npm run build (a stale out/ from an older build lacks it).`);
  }
  config = await configModule.getConfig(root, null, null);
}, 600_000);

describe('electron-builder.yml', () => {
  it("passes electron-builder's own schema validation", async () => {
    await expect(configModule.validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined();
  });

  it('is rejected by that validation when an option is misspelt (the check is live)', async () => {
    const misspelt = { ...config, linux: { ...config.linux, categroy: 'Development' } } as BuilderConfig;
    await expect(configModule.validateConfiguration(misspelt, new DebugLogger(false))).rejects.toThrow(/configuration\.linux/);
  });

  it('packs AgentDock for AppImage and deb, dmg with the hardened runtime, and nsis, rebuilding native modules', () => {
    expect(config).toMatchObject({ appId: 'dev.agentdock.console', productName: 'AgentDock', asar: true, npmRebuild: true });
    expect(config.linux).toMatchObject({ target: ['AppImage', 'deb'], category: 'Development' });
    expect(config.mac).toMatchObject({ target: ['dmg'], hardenedRuntime: true });
    expect(existsSync(path.join(root, config.mac!.entitlements!))).toBe(true);
    expect(existsSync(path.join(root, config.mac!.entitlementsInherit!))).toBe(true);
    expect(config.win).toMatchObject({ target: ['nsis'] });
    // Replicas on the process target run the app's executable as Node.
    expect(config.electronFuses?.runAsNode).toBe(true);
  });

  it('starts the packaged app at an entry the build produces', () => {
    expect(config.extraMetadata?.main).toBe('out/main/packaged.js');
    expect(readFileSync(path.join(root, 'out/main/packaged.js'), 'utf8')).toContain('import("./index.js")');
  });

  it('puts the whole built app in the archive, without source maps, and nothing of the CLI or runtime', () => {
    const files = matchersOf('files');
    expect(files.map((matcher) => matcher.from)).toEqual([root]);
    const included = filterOf(files[0]!);
    const app = ['out/main', 'out/preload', 'out/renderer'].flatMap((dir) => filesUnder(path.join(root, dir)));
    const shipped = app.filter((file) => !file.endsWith('.map'));
    expect(shipped.map((file) => path.relative(root, file))).toEqual(expect.arrayContaining(['out/main/index.js', 'out/main/packaged.js', 'out/preload/index.cjs', 'out/renderer/index.html']));
    expect(shipped.filter((file) => !included(file)).map((file) => path.relative(root, file))).toEqual([]);
    expect(app.filter((file) => file.endsWith('.map') && included(file))).toEqual([]);
    for (const file of ['out/runtime/agentdock-runtime.js', 'out/cli/agentdock.js'].map((name) => path.join(root, name)).filter(existsSync)) expect(included(file)).toBe(false);
  });

  it("unpacks better-sqlite3's native module and esbuild's binary, and nothing else of theirs JavaScript needs", () => {
    const unpack = matchersOf('asarUnpack');
    expect(unpack).toHaveLength(1);
    const unpacked = filterOf(unpack[0]!);
    const nativeModules = filesUnder(path.join(root, 'node_modules/better-sqlite3')).filter((file) => file.endsWith('.node'));
    expect(nativeModules.length).toBeGreaterThan(0);
    for (const file of nativeModules) expect(unpacked(file)).toBe(true);
    const esbuildBinary = createRequire(createRequire(import.meta.url).resolve('esbuild')).resolve(esbuildBinaryModule(process.platform, process.arch));
    expect(unpacked(esbuildBinary)).toBe(true);
    expect(unpacked(path.join(root, 'node_modules/better-sqlite3/lib/index.js'))).toBe(false);
    expect(unpacked(path.join(root, 'out/main/index.js'))).toBe(false);
  });

  it('ships the runtime as real files in resources/runtime, where findRuntimeDir looks first in the app', () => {
    // In the app, main runs from resources/app.asar/out/main and Electron's resourcesPath is resources/.
    const resources = path.join(path.sep, 'opt', 'AgentDock', 'resources');
    const extra = matchersOf('extraResources', resources);
    expect(extra.map((matcher) => [matcher.from, matcher.to])).toEqual([
      [path.join(root, 'out/runtime'), path.join(resources, 'runtime')],
      [path.join(root, 'out/demo'), path.join(resources, 'demo')],
    ]);
    const included = filterOf(extra[0]!);
    const shipped = filesUnder(path.join(root, 'out/runtime')).filter(included).map((file) => path.relative(path.join(root, 'out/runtime'), file));
    expect(shipped).toEqual(expect.arrayContaining(['agentdock-runtime.js', 'sdk.js', path.join('python', 'agentdock_adapter.py'), path.join('docs', 'swagger-ui-bundle.js')]));
    expect(runtimeDirCandidates(path.join(resources, 'app.asar', 'out', 'main'), resources)[0]).toBe(extra[0]!.to);
    // The demo sits beside the runtime, where findDemoDir looks; its agent keeps its pre-bundled node_modules.
    const demo = filesUnder(path.join(root, 'out/demo')).filter(filterOf(extra[1]!)).map((file) => path.relative(path.join(root, 'out/demo'), file));
    expect(demo).toEqual(expect.arrayContaining(['leads.json', path.join('lead-gen', 'Dockfile.yaml'), path.join('lead-gen', 'node_modules', '@langchain', 'langgraph', 'index.js')]));
    expect(path.join(path.dirname(extra[0]!.to), 'demo')).toBe(extra[1]!.to);
  });

  it("keeps every package the main process imports: a production dependency that the files' exclusions leave in", () => {
    const { dependencies } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    const imported = new Set<string>();
    for (const bundle of ['out/main/index.js', 'out/main/packaged.js']) {
      // Rollup puts the externals' imports first; later `import` lines are inside template strings (agent scaffolds).
      const lines = readFileSync(path.join(root, bundle), 'utf8').split('\n');
      const header = lines.slice(0, lines.findIndex((line) => !line.startsWith('import ')));
      for (const line of header) {
        const specifier = /["']([^"']+)["'];?$/.exec(line)?.[1];
        if (!specifier || specifier.startsWith('.') || specifier.startsWith('node:') || specifier === 'electron') continue;
        imported.add(specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]!);
      }
    }
    expect([...imported]).toEqual(expect.arrayContaining(['better-sqlite3', 'esbuild']));
    // electron-builder packs production dependencies only.
    expect([...imported].filter((name) => !(name in dependencies))).toEqual([]);
    // Node modules get only the `!` patterns of `files`, after an implicit `**/*` (electron-builder's getNodeModuleFileMatcher).
    const exclusions = matchersOf('files')[0]!.patterns.filter((pattern) => pattern.startsWith('!'));
    const kept = filterOf(new fileMatcher.FileMatcher(root, '', (pattern) => pattern, ['**/*', ...exclusions]));
    const entryFiles = [...imported].map((name) => createRequire(path.join(root, 'package.json')).resolve(name));
    expect(entryFiles.filter((file) => !kept(file)).map((file) => path.relative(root, file))).toEqual([]);
  });
});
