import { writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildDockfileArtifacts } from './dockfile-artifacts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
for (const artifact of buildDockfileArtifacts()) {
  const target = join(root, artifact.path);
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, artifact.content);
  console.log(`wrote ${artifact.path}`);
}
