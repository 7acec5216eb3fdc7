// The Node host against a real file system: real symlinks, real loops, real permissions.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDockfile } from '../../../src-shared/dockfile/yaml-loader';
import { createNodeDockfileHost, toEnginePath } from './node-dockfile-host';
import { locateDockfile } from './validate-file';

let root: string;
let project: string;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'agentdock-host-'));
  project = join(root, 'project');
  mkdirSync(project);
  writeFileSync(join(root, 'secret.yaml'), 'token: outside\n');
  writeFileSync(join(project, 'part.yaml'), 'ok: true\n');
  symlinkSync(join(root, 'secret.yaml'), join(project, 'escape.yaml'));
  symlinkSync(join(project, 'loop-b.yaml'), join(project, 'loop-a.yaml'));
  symlinkSync(join(project, 'loop-a.yaml'), join(project, 'loop-b.yaml'));
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

const load = (text: string) => loadDockfile({ file: `${toEnginePath(project)}/Dockfile.yaml`, projectDir: toEnginePath(project), host: createNodeDockfileHost(), text, variables: {} });

describe('node Dockfile host', () => {
  it('includes a real file', async () => {
    const result = await load('a: !include part.yaml\n');
    expect(result.diagnostics).toEqual([]);
    expect(result.value).toEqual({ a: { ok: true } });
  });

  it('refuses a real symlink that escapes the project', async () => {
    const result = await load('a: !include escape.yaml\n');
    expect(result.diagnostics[0]?.message).toBe('!include escape.yaml resolves outside the project directory');
    expect(JSON.stringify(result.value)).not.toContain('outside');
  });

  it('reports a real symlink loop as 4009', async () => {
    const result = await load('a: !include loop-a.yaml\n');
    expect(result.diagnostics[0]).toMatchObject({ code: 4009 });
  });

  it('locates Dockfile.yaml in a directory, or says what it looked for', async () => {
    writeFileSync(join(project, 'Dockfile.yaml'), 'version: "1.0"\n');
    expect(await locateDockfile(project)).toMatchObject({ ok: true, file: `${toEnginePath(project)}/Dockfile.yaml` });
    expect(await locateDockfile(root)).toMatchObject({ ok: false });
  });
});
