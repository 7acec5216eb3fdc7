// Bundles the Node programs into single ES module files:
//   out/cli/agentdock.js              the `agentdock` command; npm packages stay in node_modules
//                                     (native ones — better-sqlite3, ssh2 under dockerode — and
//                                     esbuild's binary cannot be bundled, and the CLI ships with
//                                     its node_modules anyway)
//   out/runtime/agentdock-runtime.js  the agent runtime, the only AgentDock code inside an image:
//                                     fully self-contained, it needs only `node`
import { build } from 'esbuild';
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

const bundles = [
  { entry: 'src-main/cli/index.ts', outfile: 'out/cli/agentdock.js', packages: 'external' },
  { entry: 'src-main/runtime/index.ts', outfile: 'out/runtime/agentdock-runtime.js' },
  // What agent code imports as `@agentdock/sdk` (breakers, retry, progress): the runtime maps the
  // name to this file beside it (src-main/runtime/adapters/sdk-specifier.ts).
  { entry: 'src-main/runtime/sdk/index.ts', outfile: 'out/runtime/sdk.js' },
];

for (const bundle of bundles) {
  await build({
    entryPoints: [join(root, bundle.entry)],
    outfile: join(root, bundle.outfile),
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    sourcemap: 'linked',
    legalComments: 'none',
    define: { AGENTDOCK_VERSION: JSON.stringify(version) },
    // Some bundled CommonJS dependencies call require() for Node built-ins.
    banner: { js: "import { createRequire as __agentdockCreateRequire } from 'node:module'; const require = __agentdockCreateRequire(import.meta.url);" },
    logLevel: 'warning',
    ...(bundle.packages ? { packages: bundle.packages } : {}),
  });
  console.log(`built ${bundle.outfile}`);
}

// Files the runtime reads beside itself: the Python adapter program (and the `agentdock` Python
// helpers) and the Swagger UI assets /docs serves, so an image needs nothing but this folder.
const runtimeOut = join(root, 'out/runtime');
cpSync(join(root, 'src-main/runtime/adapters/python'), join(runtimeOut, 'python'), {
  recursive: true,
  filter: (source) => !source.includes('__pycache__') && !/test_[^/]*\.py$/.test(source),
});
const swaggerDir = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
mkdirSync(join(runtimeOut, 'docs'), { recursive: true });
for (const file of ['swagger-ui.css', 'swagger-ui-bundle.js']) cpSync(join(swaggerDir, file), join(runtimeOut, 'docs', file));
console.log('copied out/runtime/python and out/runtime/docs');

// The offline demo (src-main/core/demo): its lead list and agent projects. The JavaScript agent's
// npm packages are bundled into a node_modules/ of its own, with code splitting so LangGraph and
// the tools share one copy of @langchain/core: the demo runs where no registry is reachable.
const demoSource = join(root, 'resources/demo');
const demoOut = join(root, 'out/demo');
rmSync(demoOut, { recursive: true, force: true });
cpSync(demoSource, demoOut, { recursive: true, filter: (source) => !source.includes('__pycache__') && !source.includes('node_modules') });
// One playbook for both agents: the Python twin sends the JavaScript agent's prompts byte for byte.
cpSync(join(demoSource, 'lead-gen/src/playbook.md'), join(demoOut, 'lead-gen-python/agent/playbook.md'));
const vendored = { '@langchain/langgraph': { '.': 'index' }, '@langchain/core': { './tools': 'tools' }, openai: { '.': 'index' } };
await build({
  entryPoints: Object.fromEntries(
    Object.entries(vendored).flatMap(([name, exports]) => Object.entries(exports).map(([subpath, file]) => [`node_modules/${name}/${file}`, subpath === '.' ? name : `${name}/${subpath.slice(2)}`])),
  ),
  outdir: join(demoOut, 'lead-gen'),
  bundle: true,
  splitting: true,
  platform: 'node',
  format: 'esm',
  target: 'node22',
  chunkNames: 'node_modules/.chunks/[name]-[hash]',
  legalComments: 'none',
  banner: { js: "import { createRequire as __agentdockCreateRequire } from 'node:module'; const require = __agentdockCreateRequire(import.meta.url);" },
  logLevel: 'warning',
});
for (const [name, exports] of Object.entries(vendored)) {
  const manifest = { name, version: JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')).version, type: 'module', exports: Object.fromEntries(Object.entries(exports).map(([subpath, file]) => [subpath, `./${file}.js`])) };
  writeFileSync(join(demoOut, 'lead-gen/node_modules', name, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
}
console.log('built out/demo (leads, agent projects, vendored node_modules)');
