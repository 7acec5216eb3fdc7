// Real bundles on a real file system: hashes, reuse, exclusions, symlinks, TypeScript compiling.
import { chmodSync, cpSync, existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, readlinkSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DockSpec } from '../../../src-shared/dockfile/types';
import { CoreError } from '../contracts';
import { buildAgentBundle } from './agent-bundle';
import type { BuildAgentBundleOptions } from './agent-bundle';
import { dockfileText, freezeSpec, writeFakeRuntime, writeTree } from './build-test-support';

const SECRET_VALUE = 'sk-live-do-not-ship-0123456789';
const cleanup: string[] = [];
let runtimeDir: string;
let bundlesDir: string;
let spec: DockSpec;

function jsProject(extra: Record<string, string> = {}): string {
  const dir = writeTree('agentdock-project-', {
    'Dockfile.yaml': dockfileText('echo_agent', 'agent.mjs:run'),
    'agent.mjs': 'export async function run(input) { return { echo: input }; }\n',
    'lib/util.mjs': 'export const x = 1;\n',
    '.env': `OPENAI_API_KEY=${SECRET_VALUE}\n`,
    '.env.production': `OPENAI_API_KEY=${SECRET_VALUE}\n`,
    'keys/id_ed25519': SECRET_VALUE,
    '.git/config': '[core]\n',
    '__pycache__/x.pyc': 'bytecode',
    ...extra,
  });
  cleanup.push(dir);
  return dir;
}

function options(projectDir: string, overrides: Partial<BuildAgentBundleOptions> = {}): BuildAgentBundleOptions {
  return { projectDir, dockfileFile: path.join(projectDir, 'Dockfile.yaml'), spec, language: 'javascript', runtimeDir, bundlesDir, durable: false, ...overrides };
}

/** Every file below `root`, relative, forward slashes. */
function listFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string, prefix: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const relative = prefix ? `${prefix}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(path.join(dir, entry.name), relative);
      else out.push(relative);
    }
  };
  walk(root, '');
  return out.sort();
}

beforeEach(async () => {
  runtimeDir = writeFakeRuntime();
  bundlesDir = writeTree('agentdock-bundles-', {});
  cleanup.push(runtimeDir, bundlesDir);
  spec = await freezeSpec(dockfileText('echo_agent', 'agent.mjs:run'));
});

afterEach(() => {
  for (const dir of cleanup.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('buildAgentBundle', () => {
  it('lays out agent/, runtime/, spec.json and manifest.json under <resource>/<hash>', async () => {
    const project = jsProject();
    const bundle = await buildAgentBundle(options(project));
    expect(bundle).toMatchObject({ agent: 'echo_agent', resourceName: 'echo-agent', language: 'javascript', reused: false, entrypoint: 'agent.mjs:run' });
    expect(bundle.contentHash).toMatch(/^[0-9a-f]{64}$/);
    expect(bundle.bundleDir).toBe(path.join(bundlesDir, 'echo-agent', bundle.contentHash));
    expect(listFiles(bundle.bundleDir)).toEqual([
      'agent/agent.mjs',
      'agent/lib/util.mjs',
      'manifest.json',
      'runtime/agentdock-runtime.js',
      'runtime/docs/swagger-ui.css',
      'runtime/python/agentdock_adapter.py',
      'runtime/sdk.js',
      'spec.json',
    ]);
    const manifest = JSON.parse(readFileSync(path.join(bundle.bundleDir, 'manifest.json'), 'utf8'));
    expect(manifest).toMatchObject({ format: 1, contentHash: bundle.contentHash, dockfile: 'Dockfile.yaml', entrypoint: 'agent.mjs:run' });
    expect(manifest.files.find((file: { path: string }) => file.path === 'agent/agent.mjs')).toMatchObject({ mode: '644', size: 61 });
    expect(JSON.parse(readFileSync(path.join(bundle.bundleDir, 'spec.json'), 'utf8')).agent.name).toBe('echo_agent');
    // Only the final directory is left: the temporary one was renamed into place.
    expect(readdirSync(path.join(bundlesDir, 'echo-agent'))).toEqual([bundle.contentHash]);
  });

  it('gives the same hash for the same inputs and reuses the bundle without rewriting it', async () => {
    const project = jsProject();
    const first = await buildAgentBundle(options(project));
    const manifestTime = statSync(path.join(first.bundleDir, 'manifest.json')).mtimeMs;
    const second = await buildAgentBundle(options(project, { clock: () => new Date('2031-01-01T00:00:00Z') }));
    expect(second.contentHash).toBe(first.contentHash);
    expect(second.reused).toBe(true);
    expect(statSync(path.join(first.bundleDir, 'manifest.json')).mtimeMs).toBe(manifestTime);
    expect(readFileSync(path.join(first.bundleDir, 'manifest.json'), 'utf8')).not.toContain('2031');
  });

  it('is independent of location, timestamps and permission bits other than execute', async () => {
    const one = jsProject();
    const two = writeTree('agentdock-copy-', {});
    cleanup.push(two);
    cpSync(one, two, { recursive: true });
    utimesSync(path.join(two, 'agent.mjs'), new Date('2001-01-01'), new Date('2001-01-01'));
    chmodSync(path.join(two, 'lib/util.mjs'), 0o600);
    const otherBundles = writeTree('agentdock-bundles-', {});
    cleanup.push(otherBundles);
    const a = await buildAgentBundle(options(one));
    const b = await buildAgentBundle(options(two, { bundlesDir: otherBundles }));
    expect(b.contentHash).toBe(a.contentHash);
    expect(b.reused).toBe(false);
    // An execute bit is content (a script's behaviour changes), so it changes the hash.
    chmodSync(path.join(two, 'lib/util.mjs'), 0o755);
    expect((await buildAgentBundle(options(two))).contentHash).not.toBe(a.contentHash);
  });

  it('makes a new hash when a file, the spec or the runtime changes', async () => {
    const project = jsProject();
    const base = await buildAgentBundle(options(project));
    writeFileSync(path.join(project, 'lib/util.mjs'), 'export const x = 2;\n');
    const fileChanged = await buildAgentBundle(options(project));
    expect(fileChanged.contentHash).not.toBe(base.contentHash);
    const specChanged = await buildAgentBundle(options(project, { spec: await freezeSpec(dockfileText('echo_agent', 'agent.mjs:run').replace('Echoes its input', 'Echoes') ) }));
    expect(specChanged.contentHash).not.toBe(fileChanged.contentHash);
    writeFileSync(path.join(runtimeDir, 'agentdock-runtime.js'), 'console.log("runtime v2");\n');
    const runtimeChanged = await buildAgentBundle(options(project));
    expect(runtimeChanged.contentHash).not.toBe(fileChanged.contentHash);
    expect(new Set([base, fileChanged, specChanged, runtimeChanged].map((bundle) => bundle.contentHash)).size).toBe(4);
    expect(readdirSync(path.join(bundlesDir, 'echo-agent'))).toHaveLength(4);
    // A new file counts too, and so does removing it again (back to the earlier hash).
    writeFileSync(path.join(project, 'extra.txt'), 'x');
    const added = await buildAgentBundle(options(project));
    expect(added.contentHash).not.toBe(runtimeChanged.contentHash);
    rmSync(path.join(project, 'extra.txt'));
    expect(await buildAgentBundle(options(project))).toMatchObject({ contentHash: runtimeChanged.contentHash, reused: true });
  });

  it('never copies .env or other secret-looking files, and honours .agentdockignore', async () => {
    const project = jsProject({
      '.agentdockignore': '# local data\nscratch/\n*.log\n!keep.log\n/top-only.txt\n!.vscode/\n!.env\n',
      'scratch/big.bin': 'x',
      'debug.log': 'x',
      'keep.log': 'kept',
      'top-only.txt': 'x',
      'nested/top-only.txt': 'kept',
      'config/.env.local': `TOKEN=${SECRET_VALUE}`,
      'certs/server.pem': SECRET_VALUE,
      '.npmrc': `//registry.npmjs.org/:_authToken=${SECRET_VALUE}`,
      'venv/pyvenv.cfg': 'home = /usr/bin\n',
      'venv/lib/site.py': 'x',
      '.vscode/settings.json': '{}',
      '.idea/workspace.xml': 'x',
    });
    const warnings: string[] = [];
    const bundle = await buildAgentBundle(options(project, { logger: { info: () => undefined, warn: (message) => warnings.push(message) } }));
    const agentFiles = listFiles(path.join(bundle.bundleDir, 'agent'));
    expect(agentFiles).toEqual(['.agentdockignore', '.vscode/settings.json', 'agent.mjs', 'keep.log', 'lib/util.mjs', 'nested/top-only.txt']);
    expect(bundle.secretsSkipped.sort()).toEqual(['.env', '.env.production', '.git', '.npmrc', 'certs/server.pem', 'config/.env.local', 'keys/id_ed25519']);
    expect(warnings.join('\n')).toContain('left .env out of the bundle');
    // The secret's value is nowhere in the bundle, the manifest included.
    for (const file of listFiles(bundle.bundleDir)) expect(readFileSync(path.join(bundle.bundleDir, file), 'utf8')).not.toContain(SECRET_VALUE);
  });

  it('redacts secrets in the stored spec but hands the controller the real values', async () => {
    const jwtSecret = 'jwt-secret-value-0123456789abcdef';
    const withSecret = await freezeSpec(
      dockfileText('echo_agent', 'agent.mjs:run')
        .replace('mode: api_key', 'mode: jwt')
        .replace('api_keys: { enabled: true }', `jwt: { secret_key: "${jwtSecret}" }`),
    );
    const bundle = await buildAgentBundle(options(jsProject(), { spec: withSecret }));
    const stored = readFileSync(path.join(bundle.bundleDir, 'spec.json'), 'utf8');
    expect(stored).not.toContain(jwtSecret);
    expect(JSON.parse(stored).auth.jwt.secret_key).toBe('[redacted]');
    expect((bundle.runSpec.auth as { jwt?: { secret_key?: string } }).jwt?.secret_key).toBe(jwtSecret);
    // Keys are sorted at every level: the canonical form.
    expect(Object.keys(JSON.parse(stored))).toEqual([...Object.keys(JSON.parse(stored))].sort());
  });

  it('refuses a symbolic link that leaves the project and keeps one that stays inside', async () => {
    const outside = writeTree('agentdock-outside-', { 'credentials': SECRET_VALUE });
    cleanup.push(outside);
    const project = jsProject();
    symlinkSync(path.join(project, 'lib'), path.join(project, 'lib-link'));
    symlinkSync('lib/util.mjs', path.join(project, 'util.mjs'));
    const bundle = await buildAgentBundle(options(project));
    // An absolute link inside the project becomes relative, so the bundle can move.
    expect(readlinkSync(path.join(bundle.agentDir, 'lib-link'))).toBe('lib');
    expect(readlinkSync(path.join(bundle.agentDir, 'util.mjs'))).toBe('lib/util.mjs');
    expect(readFileSync(path.join(bundle.agentDir, 'util.mjs'), 'utf8')).toBe('export const x = 1;\n');

    symlinkSync(path.join(outside, 'credentials'), path.join(project, 'lib', 'creds'));
    await expect(buildAgentBundle(options(project))).rejects.toMatchObject({ code: 'E2002', message: expect.stringContaining('lib/creds in the agent project is a symbolic link') });
    rmSync(path.join(project, 'lib', 'creds'));
    symlinkSync(path.relative(project, outside), path.join(project, 'up'));
    await expect(buildAgentBundle(options(project))).rejects.toThrow(/up in the agent project is a symbolic link to .* outside the project/);
    expect(readdirSync(path.join(bundlesDir, 'echo-agent'))).toEqual([bundle.contentHash]);
  });

  it('stops at the size limit with an error that says what to do', async () => {
    const project = jsProject({ 'data/big.bin': 'x'.repeat(4096) });
    const error = await buildAgentBundle(options(project, { limits: { maxBytes: 2048 } })).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CoreError);
    expect((error as CoreError).message).toMatch(/larger than the 0 MiB bundle limit \(at data\/big\.bin\); list large or generated files in \.agentdockignore/);
    await expect(buildAgentBundle(options(project, { limits: { maxFiles: 2 } }))).rejects.toThrow(/more than 2 files/);
  });

  it('compiles a TypeScript entry with its local imports into a module Node loads', async () => {
    const project = writeTree('agentdock-ts-', {
      'Dockfile.yaml': dockfileText('ts_agent', 'src/agent.ts:run'),
      // An enum and a parameter property: not erasable, so Node's type stripping alone cannot run this.
      'src/agent.ts': "import { Greeter } from './greeter.js';\nenum Tone { Warm = 'warm' }\nexport async function run(input: { name: string }): Promise<{ greeting: string }> {\n  return { greeting: new Greeter(Tone.Warm).greet(input.name) };\n}\n",
      'src/greeter.ts': 'export class Greeter {\n  constructor(private readonly tone: string) {}\n  greet(name: string): string { return `hello ${name} (${this.tone})`; }\n}\n',
    });
    cleanup.push(project);
    const tsSpec = await freezeSpec(dockfileText('ts_agent', 'src/agent.ts:run'));
    const bundle = await buildAgentBundle(options(project, { spec: tsSpec, language: 'typescript' }));
    expect(bundle.entrypoint).toBe('src/agent.agentdock.mjs:run');
    expect(bundle.runSpec.agent.entrypoint).toBe('src/agent.agentdock.mjs:run');
    expect(JSON.parse(readFileSync(path.join(bundle.bundleDir, 'spec.json'), 'utf8')).agent.entrypoint).toBe('src/agent.agentdock.mjs:run');
    expect(listFiles(bundle.agentDir)).toEqual(['src/agent.agentdock.mjs', 'src/agent.agentdock.mjs.map', 'src/agent.ts', 'src/greeter.ts']);
    const manifest = JSON.parse(readFileSync(path.join(bundle.bundleDir, 'manifest.json'), 'utf8'));
    expect(manifest.compiled).toMatchObject({ from: 'src/agent.ts', to: 'src/agent.agentdock.mjs' });
    const compiled = (await import(pathToFileURL(path.join(bundle.agentDir, 'src/agent.agentdock.mjs')).href)) as { run: (input: { name: string }) => Promise<unknown> };
    expect(await compiled.run({ name: 'Ada' })).toEqual({ greeting: 'hello Ada (warm)' });
    // The compiled output names no machine path: a second copy builds to the same hash.
    const copy = writeTree('agentdock-ts-copy-', {});
    cleanup.push(copy);
    cpSync(project, copy, { recursive: true });
    expect((await buildAgentBundle(options(copy, { spec: tsSpec, language: 'typescript' }))).contentHash).toBe(bundle.contentHash);
    expect(readFileSync(path.join(bundle.agentDir, 'src/agent.agentdock.mjs'), 'utf8')).not.toContain(project);
  });

  it('reports a TypeScript compile error with file and line', async () => {
    const project = writeTree('agentdock-ts-bad-', { 'agent.ts': 'export function run(input: string {\n' });
    cleanup.push(project);
    const badSpec = await freezeSpec(dockfileText('ts_agent', 'agent.ts:run'));
    await expect(buildAgentBundle(options(project, { spec: badSpec, language: 'typescript' }))).rejects.toThrow(/compiling the TypeScript entry agent\.ts failed: agent\.ts:1:\d+: /);
    expect(existsSync(path.join(bundlesDir, 'ts-agent')) ? readdirSync(path.join(bundlesDir, 'ts-agent')) : []).toEqual([]);
  });

  it('refuses an entrypoint whose module is not in the bundle', async () => {
    const project = jsProject();
    await expect(buildAgentBundle(options(project, { spec: await freezeSpec(dockfileText('echo_agent', 'missing.mjs:run')) }))).rejects.toThrow(/cannot find the entry module missing\.mjs/);
  });

  it('removes leftovers of a killed build and rebuilds a directory that was never completed', async () => {
    const project = jsProject();
    const bundle = await buildAgentBundle(options(project));
    const resourceDir = path.join(bundlesDir, 'echo-agent');
    // A build killed mid-way by a process that no longer exists (pid 2^22+1 is above Linux's pid_max).
    mkdirSync(path.join(resourceDir, `.tmp-${bundle.contentHash.slice(0, 16)}-4194305-abcd1234`, 'agent'), { recursive: true });
    rmSync(path.join(bundle.bundleDir, 'manifest.json'));
    const rebuilt = await buildAgentBundle(options(project));
    expect(rebuilt).toMatchObject({ contentHash: bundle.contentHash, reused: false });
    expect(readdirSync(resourceDir)).toEqual([bundle.contentHash]);
    expect(lstatSync(path.join(rebuilt.bundleDir, 'manifest.json')).isFile()).toBe(true);
  });

  it('two concurrent builds of the same inputs publish one bundle', async () => {
    const project = jsProject();
    const [a, b] = await Promise.all([buildAgentBundle(options(project)), buildAgentBundle(options(project))]);
    expect(a.contentHash).toBe(b.contentHash);
    expect([a.reused, b.reused].sort()).toEqual([false, true]);
    expect(readdirSync(path.join(bundlesDir, 'echo-agent'))).toEqual([a.contentHash]);
  });
});
