// The '@agentdock/sdk' resolve hook in real Node processes: module hooks are process-wide and cannot
// be removed once registered, so each case runs in a child of its own (sdk-specifier.ts under tsx)
// that installs the hook and then loads agent modules from a real project directory.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const REPO_ROOT = path.resolve(import.meta.dirname, '..', '..', '..');

// argv: how to install the hook, the module directory the SDK is looked for from, the agent
// project. Prints what each way of reaching '@agentdock/sdk' gave, or the error's message.
const PROBE = `import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
const [how, moduleDir, projectDir] = process.argv.slice(2);
const hook = await import(${JSON.stringify(pathToFileURL(path.join(import.meta.dirname, 'sdk-specifier.ts')).href)});
if (how === 'install') hook.installSdkSpecifier(hook.sdkFileCandidates(moduleDir));
else hook.registerSdkLoader(hook.locateSdk(hook.sdkFileCandidates(moduleDir)));
const attempt = async (load) => { try { return await load(); } catch (error) { return { error: error.message }; } };
const agent = () => import(pathToFileURL(projectDir + '/agent.mjs').href);
console.log(JSON.stringify({
  imported: await attempt(async () => (await agent()).from),
  subpath: await attempt(async () => (await agent()).subpath),
  required: await attempt(() => createRequire(projectDir + '/')('./agent.cjs')),
}));
`;

let root: string;

function write(files: Record<string, string>): void {
  for (const [relative, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, relative)), { recursive: true });
    writeFileSync(path.join(root, relative), content);
  }
}

beforeAll(() => {
  root = mkdtempSync(path.join(tmpdir(), 'agentdock-sdk-specifier-'));
  write({
    'probe.mjs': PROBE,
    // The layout of a bundled runtime: sdk.js beside agentdock-runtime.js (a stand-in that says whose it is).
    'runtime/agentdock-runtime.js': '',
    'runtime/sdk.js': "export const from = 'the runtime';\n",
    'agent/agent.mjs': "export { from } from '@agentdock/sdk';\nexport const subpath = import.meta.resolve('@agentdock/sdk/package.json');\n",
    'agent/agent.cjs': "module.exports = require('@agentdock/sdk').from;\n",
    // The agent's own copy, which the runtime's must win over.
    'agent/node_modules/@agentdock/sdk/package.json': JSON.stringify({ name: '@agentdock/sdk', type: 'module', exports: { '.': './index.js', './package.json': './package.json' } }),
    'agent/node_modules/@agentdock/sdk/index.js': "export const from = 'the agent';\n",
  });
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

function probe(how: 'install' | 'loader', moduleDir: string): Record<string, unknown> {
  const output = execFileSync(process.execPath, ['--import', 'tsx', path.join(root, 'probe.mjs'), how, moduleDir, path.join(root, 'agent')], { cwd: REPO_ROOT, encoding: 'utf8' });
  return JSON.parse(output) as Record<string, unknown>;
}

describe('@agentdock/sdk in agent code', () => {
  it("resolves to the sdk.js beside the runtime for import and require, over the agent's own copy", () => {
    expect(probe('install', path.join(root, 'runtime'))).toEqual({
      imported: 'the runtime',
      required: 'the runtime',
      // Only the package root is mapped.
      subpath: pathToFileURL(path.join(root, 'agent/node_modules/@agentdock/sdk/package.json')).href,
    });
  });

  it('fails to load, saying what is missing and where it looked, when the runtime has no sdk.js', () => {
    const incomplete = path.join(root, 'image', 'app', 'runtime');
    const message =
      'cannot import @agentdock/sdk: the AgentDock runtime provides it from the sdk.js beside agentdock-runtime.js, and there is none ' +
      `(looked for ${path.join(incomplete, 'sdk.js')}, ${path.join(root, 'out', 'runtime', 'sdk.js')}); the runtime folder is incomplete: run npm run build:node and deploy again`;
    expect(probe('install', incomplete)).toMatchObject({ imported: { error: message }, required: { error: message } });
  });

  it('resolves for import through module.register, the fallback where module.registerHooks is missing (Node < 22.15)', () => {
    expect(probe('loader', path.join(root, 'runtime'))).toMatchObject({ imported: 'the runtime' });
  });
});
