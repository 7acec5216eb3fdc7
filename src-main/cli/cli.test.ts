// The CLI as a user drives it: exit codes, human and JSON output, help, and init → validate.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cli } from './test-support';
import type { CommandRun } from './test-support';

const testdata = join(import.meta.dirname, '..', '..', 'src-shared', 'dockfile', 'testdata');
const temporary: string[] = [];

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'agentdock-cli-'));
  temporary.push(dir);
  return dir;
}

afterEach(() => {
  for (const dir of temporary.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function run(args: string[], cwd: string): Promise<CommandRun> {
  const previous = process.cwd();
  process.chdir(cwd);
  try {
    return await cli(args);
  } finally {
    process.chdir(previous);
  }
}

describe('agentdock validate', () => {
  it('prints a ✓ line and exits 0 for a valid Dockfile', async () => {
    const dir = tempDir();
    cpSync(join(testdata, 'full'), dir, { recursive: true });
    const result = await run(['validate', '--env', 'JWT_SECRET=test-only-jwt-secret-0123456789', '--env', 'LANGFUSE_PUBLIC=pk', '--env', 'LANGFUSE_SECRET=sk'], dir);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Dockfile\.yaml:3:9 warning 4002 InvalidSchemaError \[resource-name-mapped\] agent\.name: /m);
    expect(result.stdout).toMatch(/^✓ Validated successfully: Dockfile\.yaml — agent invoice_copilot \(langgraph, python\) \(1 warning\)$/m);
    expect(result.stdout).not.toContain('test-only-jwt-secret');
  });

  it('prints one line per problem with file:line:col, code and path, and exits 1', async () => {
    const dir = tempDir();
    cpSync(join(testdata, 'minimal'), dir, { recursive: true });
    const dockfile = join(dir, 'Dockfile.yaml');
    writeFileSync(dockfile, readFileSync(dockfile, 'utf8').replace('framework: langgraph', 'framework: crewai').replace('mode: api_key', 'mode: jwt'));
    const result = await run(['validate', 'Dockfile.yaml'], dir);
    expect(result.code).toBe(1);
    const lines = result.stdout.split('\n');
    expect(lines).toContain('Dockfile.yaml:6:14 error 4007 UnsupportedFrameworkError agent.framework: framework "crewai" is not supported; AgentDock v1 runs langgraph and langchain agents — fix: wrap other frameworks in a LangChain Runnable and use framework: langchain');
    expect(lines.some((line) => line.startsWith('Dockfile.yaml:17:1 error 4005 AuthConfigError auth.jwt.secret_key: auth.mode is jwt'))).toBe(true);
    expect(lines[lines.length - 1]).toMatch(/^✗ Dockfile\.yaml is invalid: 2 errors, \d+ warnings?$/);
  });

  it('--strict turns warnings into errors and exits 1', async () => {
    const dir = tempDir();
    cpSync(join(testdata, 'minimal'), dir, { recursive: true });
    expect((await run(['validate'], dir)).code).toBe(0);
    const strict = await run(['validate', '--strict'], dir);
    expect(strict.code).toBe(1);
    expect(strict.stdout).toMatch(/error 4006 PolicyValidationError \[unbounded-public-output\]/);
  });

  it('--json prints a stable machine-readable document', async () => {
    const dir = tempDir();
    cpSync(join(testdata, 'full'), dir, { recursive: true });
    const result = await run(['validate', '--json'], dir);
    expect(result.code).toBe(1);
    const document = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(Object.keys(document)).toEqual(['format', 'file', 'valid', 'strict', 'errorCount', 'warningCount', 'diagnostics']);
    expect(document).toMatchObject({ format: 1, file: 'Dockfile.yaml', valid: false, strict: false, errorCount: 3 });
    expect((document.diagnostics as unknown[])[0]).toEqual({
      severity: 'warning',
      code: 4002,
      name: 'InvalidSchemaError',
      rule: 'resource-name-mapped',
      path: 'agent.name',
      file: 'Dockfile.yaml',
      line: 3,
      column: 9,
      endLine: 3,
      endColumn: 24,
      message: 'invoice_copilot deploys as invoice-copilot on Kubernetes and Docker',
      fix: 'rename the agent invoice-copilot to use one name everywhere',
    });
    const unresolved = (document.diagnostics as { code: number; path: string }[]).filter((d) => d.code === 4001).map((d) => d.path);
    expect(unresolved).toEqual(['auth.jwt.secret_key', 'observability.langfuse.public_key', 'observability.langfuse.secret_key']);
  });

  it('--allow-unresolved previews a Dockfile whose secrets are not set', async () => {
    const dir = tempDir();
    cpSync(join(testdata, 'full'), dir, { recursive: true });
    const result = await run(['validate', '--allow-unresolved', '--json'], dir);
    const document = JSON.parse(result.stdout) as { valid: boolean; warningCount: number };
    expect(result.code).toBe(0);
    expect(document.valid).toBe(true);
    expect(document.warningCount).toBe(4);
  });

  it('takes variables from the project .env', async () => {
    const dir = tempDir();
    cpSync(join(testdata, 'full'), dir, { recursive: true });
    writeFileSync(join(dir, '.env'), 'JWT_SECRET=test-only-jwt-secret-0123456789\nLANGFUSE_PUBLIC=pk\nLANGFUSE_SECRET=sk\n');
    expect((await run(['validate'], dir)).code).toBe(0);
  });

  it('exits 2 on usage errors', async () => {
    const dir = tempDir();
    expect((await run(['validate', '--bogus'], dir)).code).toBe(2);
    expect((await run(['validate', '--env', 'NOEQUALS'], dir)).stderr).toContain('--env expects KEY=VALUE');
    const missing = await run(['validate', 'nowhere.yaml'], dir);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe('agentdock validate: nowhere.yaml does not exist'.replace('nowhere.yaml', join(dir, 'nowhere.yaml')));
    expect((await run(['validate'], dir)).stderr).toMatch(/no Dockfile in .* \(looked for Dockfile\.yaml, Dockfile\.yml, Dockfile\); create one with `agentdock init`/);
    expect((await run(['frobnicate'], dir)).code).toBe(2);
  });
});

describe('help', () => {
  it('every command has --help and exits 0', async () => {
    const dir = tempDir();
    for (const command of ['validate', 'init']) {
      const result = await run([command, '--help'], dir);
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(new RegExp(`^Usage: agentdock ${command}`));
      expect(result.stdout).toContain('Exit codes:');
    }
    const main = await run(['--help'], dir);
    expect(main.code).toBe(0);
    expect(main.stdout).toMatch(/validate\s+check a Dockfile/);
  });
});

describe('agentdock init', () => {
  for (const framework of ['langgraph', 'langchain']) {
    for (const language of ['python', 'typescript']) {
      it(`scaffolds a ${framework}/${language} project whose Dockfile validates with no warnings`, async () => {
        const dir = tempDir();
        const created = await run(['init', 'support_bot', '--framework', framework, '--language', language], dir);
        expect(created.code).toBe(0);
        expect(created.stdout).toContain('Created agent support-bot');
        const validated = await run(['validate', 'support_bot', '--json', '--strict'], dir);
        const document = JSON.parse(validated.stdout) as { valid: boolean; diagnostics: unknown[]; agent: { language: string; framework: string } };
        expect(document.diagnostics).toEqual([]);
        expect(document.valid).toBe(true);
        expect(document.agent.framework).toBe(framework);
        expect(document.agent.language).toBe(language);
        if (language === 'python') {
          // Real syntax check of the generated agent (compiles, does not run it).
          const module = framework === 'langgraph' ? 'graph.py' : 'chain.py';
          execFileSync('python3', ['-m', 'py_compile', join(dir, 'support_bot', 'agent', module)]);
        }
      });
    }
  }

  it('refuses to overwrite an existing project without --force', async () => {
    const dir = tempDir();
    expect((await run(['init'], dir)).code).toBe(0);
    const again = await run(['init'], dir);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/Dockfile\.yaml, .* already exist \(use --force to overwrite\)/);
    expect((await run(['init', '--force'], dir)).code).toBe(0);
  });

  it('refuses bad names and bad flags', async () => {
    const dir = tempDir();
    expect((await run(['init', '--name', 'Bad Name'], dir)).code).toBe(1);
    expect((await run(['init', '--framework', 'crewai'], dir)).code).toBe(2);
    expect((await run(['init', '--language', 'rust'], dir)).code).toBe(2);
  });
});
