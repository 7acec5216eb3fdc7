/**
 * Test support: writes a real config bundle (spec.json frozen by the real Dockfile validator,
 * runtime.json, keys.json, secrets.json) into a temporary directory.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createMemoryHost } from '../../src-shared/dockfile/host';
import { validateDockfile } from '../../src-shared/dockfile/validate';
import { generateApiKey } from './auth/api-keys';

export interface TestKey {
  raw: string;
  id: string;
  role: string;
}

export interface TestBundle {
  dir: string;
  keys: Record<string, TestKey>;
  jwtSecret: string;
  writeKeys(keys: { id: string; hash: string; role: string; revoked?: boolean }[]): void;
}

/** Freezes a Dockfile text into a DockSpec with the same pipeline deploys use. */
export async function freezeDockfile(text: string): Promise<unknown> {
  const host = createMemoryHost({ '/agent/Dockfile.yaml': text });
  const result = await validateDockfile({ file: '/agent/Dockfile.yaml', host, checkProject: false });
  if (!result.valid) throw new Error(`test Dockfile is invalid: ${result.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message).join('; ')}`);
  return result.spec;
}

/** Writes a bundle with one API key per role in `roles` (plus a revoked one). */
export async function writeTestBundle(options: { dockfile: string; settings: Record<string, unknown>; roles?: string[]; providerKeys?: Record<string, string> }): Promise<TestBundle> {
  const dir = mkdtempSync(path.join(tmpdir(), 'agentdock-bundle-'));
  const jwtSecret = 'test-only-jwt-secret-0123456789abcdef';
  writeFileSync(path.join(dir, 'spec.json'), JSON.stringify(await freezeDockfile(options.dockfile)));
  writeFileSync(path.join(dir, 'runtime.json'), JSON.stringify(options.settings));
  const keys: Record<string, TestKey> = {};
  const records: { id: string; hash: string; role: string; revoked?: boolean }[] = [];
  for (const role of [...(options.roles ?? ['admin', 'developer', 'viewer']), 'revoked']) {
    const key = generateApiKey();
    const id = `key-${role}`;
    keys[role] = { raw: key.raw, id, role: role === 'revoked' ? 'developer' : role };
    records.push({ id, hash: key.hash, role: keys[role].role, ...(role === 'revoked' ? { revoked: true } : {}) });
  }
  const writeKeys = (list: typeof records): void => writeFileSync(path.join(dir, 'keys.json'), JSON.stringify({ keys: list }));
  writeKeys(records);
  writeFileSync(
    path.join(dir, 'secrets.json'),
    JSON.stringify({ jwtSecret, auditHashKey: 'test-only-audit-hash-key-0123456789', providerKeys: options.providerKeys ?? { openai: 'sk-test-provider-key-not-real' } }),
    { mode: 0o600 },
  );
  return { dir, keys, jwtSecret, writeKeys };
}
