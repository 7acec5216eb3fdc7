// Bundles the Node programs into single ES module files that need only `node`:
//   out/cli/agentdock.js              the `agentdock` command
//   out/runtime/agentdock-runtime.js  the agent runtime, the only AgentDock code inside an image
// The generated Dockfile validator has no run-time dependency, so nothing stays external.
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

const bundles = [
  { entry: 'src-main/cli/index.ts', outfile: 'out/cli/agentdock.js' },
  { entry: 'src-main/runtime/index.ts', outfile: 'out/runtime/agentdock-runtime.js' },
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
  });
  console.log(`built ${bundle.outfile}`);
}
