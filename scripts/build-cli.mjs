// Bundles the CLI into one ES module file (out/cli/agentdock.js) that needs only Node: the
// generated Dockfile validator has no run-time dependency, so nothing stays external.
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

await build({
  entryPoints: [join(root, 'src-main/cli/index.ts')],
  outfile: join(root, 'out/cli/agentdock.js'),
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
console.log('built out/cli/agentdock.js');
