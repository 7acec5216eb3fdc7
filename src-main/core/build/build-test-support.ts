/**
 * Test support for bundles: freezes a Dockfile with the real validator, writes small agent
 * projects and a stand-in runtime directory into temporary directories.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createMemoryHost } from '../../../src-shared/dockfile/host';
import type { DockSpec } from '../../../src-shared/dockfile/types';
import { validateDockfile } from '../../../src-shared/dockfile/validate';

/** Freezes Dockfile text into a DockSpec with the pipeline deploys use (project checks off). */
export async function freezeSpec(text: string): Promise<DockSpec> {
  const host = createMemoryHost({ '/agent/Dockfile.yaml': text });
  const result = await validateDockfile({ file: '/agent/Dockfile.yaml', host, checkProject: false });
  if (!result.valid || !result.spec) throw new Error(`test Dockfile is invalid: ${result.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message).join('; ')}`);
  return result.spec as DockSpec;
}

/** A minimal valid Dockfile for agent `name` with entrypoint `entrypoint`. */
export function dockfileText(name: string, entrypoint: string, extra = ''): string {
  return `version: "1.0"
agent:
  name: ${name}
  description: "Echoes its input"
  entrypoint: ${entrypoint}
  framework: langchain
model: { provider: openai, name: gpt-4o-mini }
io_schema:
  input: { type: object }
  output: { type: object }
auth:
  mode: api_key
  api_keys: { enabled: true }
  roles:
    - { name: admin, permissions: [invoke, view_metrics, read_logs, read_docs] }
    - { name: developer, permissions: [invoke] }
expose: { rest: true, host: 127.0.0.1, port: 8080 }
${extra}`;
}

/** Writes `files` (relative path → content) under a new temporary directory; returns it. */
export function writeTree(prefix: string, files: Record<string, string>): string {
  const root = mkdtempSync(path.join(tmpdir(), prefix));
  for (const [relative, content] of Object.entries(files)) {
    const file = path.join(root, relative);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, content);
  }
  return root;
}

/** A small stand-in for out/runtime (the real one is 4 MB; the bundle logic does not care). */
export function writeFakeRuntime(): string {
  return writeTree('agentdock-fake-runtime-', {
    'agentdock-runtime.js': 'console.log("runtime");\n',
    'sdk.js': 'export const sdk = true;\n',
    'python/agentdock_adapter.py': 'print("adapter")\n',
    'python/__pycache__/agentdock_adapter.cpython-311.pyc': 'bytecode',
    'docs/swagger-ui.css': 'body{}\n',
  });
}
