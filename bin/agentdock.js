#!/usr/bin/env node
// The `agentdock` command. The CLI is bundled by `npm run build:node` (run on `npm install`).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const bundle = fileURLToPath(new URL('../out/cli/agentdock.js', import.meta.url));
if (!existsSync(bundle)) {
  process.stderr.write('agentdock: the CLI is not built yet. Run `npm run build:node` in the AgentDock checkout.\n');
  process.exit(1);
}
await import(bundle);
