// The layering of ARCHITECTURE.md §2 is enforced by lint: each forbidden arrow must fail.
import { ESLint } from 'eslint';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');
const eslint = new ESLint({ cwd: root });

async function lintAt(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(root, file) });
  return (result?.messages ?? []).map((message) => `${message.ruleId}: ${message.message}`);
}

describe('import boundaries', () => {
  const forbidden: [string, string, RegExp][] = [
    ['src-shared/dockfile/probe.ts', "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n", /no-restricted-imports.*platform-free/],
    ['src-shared/dockfile/probe.ts', "import { app } from 'electron';\nexport const x = app;\n", /no-restricted-imports/],
    ['src-shared/dockfile/probe.ts', "import { runCli } from '../../src-main/cli/main';\nexport const x = runCli;\n", /no-restricted-paths.*imports nothing of theirs/],
    ['src-renderer/src/probe.ts', "import { scaffoldProject } from '../../src-main/core/scaffold/scaffold-project';\nexport const x = scaffoldProject;\n", /no-restricted-paths.*contract/],
    ['src-renderer/src/probe.ts', "import fs from 'node:fs';\nexport const x = fs;\n", /no-restricted-imports.*sandboxed/],
    ['src-main/runtime/probe.ts', "import { scaffoldProject } from '../core/scaffold/scaffold-project';\nexport const x = scaffoldProject;\n", /no-restricted-paths.*ships into images/],
    ['src-main/core/probe.ts', "import { runCli } from '../cli/main';\nexport const x = runCli;\n", /no-restricted-paths.*never the reverse/],
    ['src-main/core/probe.ts', "import { app } from 'electron';\nexport const x = app;\n", /Only src-main\/electron may import electron/],
    ['src-main/cli/probe.ts', "import { app } from 'electron';\nexport const x = app;\n", /Only src-main\/electron may import electron/],
  ];

  for (const [file, code, expected] of forbidden) {
    it(`refuses ${code.split('\n')[0]} in ${file}`, async () => {
      expect((await lintAt(file, code)).join('\n')).toMatch(expected);
    });
  }

  const allowed: [string, string][] = [
    ['src-main/core/probe.ts', "import { validateDockfile } from '../../src-shared/dockfile/validate';\nexport const x = validateDockfile;\n"],
    ['src-main/cli/probe.ts', "import { scaffoldProject } from '../core/scaffold/scaffold-project';\nexport const x = scaffoldProject;\n"],
    ['src-main/runtime/probe.ts', "import { validateDockfile } from '../../src-shared/dockfile/validate';\nexport const x = validateDockfile;\n"],
    ['src-main/electron/probe.ts', "import { app } from 'electron';\nexport const x = app;\n"],
  ];
  for (const [file, code] of allowed) {
    it(`allows ${code.split('\n')[0]} in ${file}`, async () => {
      expect(await lintAt(file, code)).toEqual([]);
    });
  }
});
