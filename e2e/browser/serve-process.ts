/**
 * `agentdock serve` as a child process, the way a user runs it: from the source tree through tsx
 * (always the current code; no build needed but the renderer's), on a temp AGENTDOCK_HOME and a
 * free port. Set AGENTDOCK_E2E_CLI=bundle to run the shipped bundle (bin/agentdock.js →
 * out/cli/agentdock.js, made by `npm run build:node`) instead.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';

export const REPO_ROOT = path.join(import.meta.dirname, '..', '..');

/** Builds out/renderer (electron-vite) when it is missing; the build is what serve sends to browsers. */
export { ensureRendererBuilt } from '../../src-main/serve/test-support';

export interface ServeProcess {
  /** The sign-in URL it printed (admin token in the fragment). */
  url: string;
  origin: string;
  home: string;
  /** Everything it wrote to stderr so far (for failure messages). */
  stderr(): string;
  /** SIGTERM, then the exit code (serve exits 0 on SIGTERM); removes the temp home. */
  stop(): Promise<number | null>;
  /** `agentdock <args>` against the same home (e.g. `serve token create`), its stdout. */
  cli(args: string[]): string;
}

function cliCommand(): string[] {
  if (process.env.AGENTDOCK_E2E_CLI === 'bundle') return [path.join(REPO_ROOT, 'bin', 'agentdock.js')];
  return ['--import', 'tsx', path.join(REPO_ROOT, 'src-main', 'cli', 'index.ts')];
}

/**
 * Starts `agentdock serve --port 0 --json` and resolves once it printed its URL. `prepareHome`
 * runs on the empty data dir first (a benchmark seeds a fleet there); `extraEnv` is added to the
 * environment of serve and of `cli` (a suite's KUBECONFIG, say).
 */
export async function startServe(extraArgs: string[] = [], prepareHome?: (home: string) => void, extraEnv: Readonly<Record<string, string>> = {}): Promise<ServeProcess> {
  const home = mkdtempSync(path.join(tmpdir(), 'agentdock-e2e-home-'));
  prepareHome?.(home);
  // Serve mode derives the vault key from AGENTDOCK_MASTER_KEY (ARCHITECTURE.md §4), as a user sets it.
  const env = { ...process.env, ...extraEnv, AGENTDOCK_HOME: home, AGENTDOCK_ACTOR: 'e2e-admin', AGENTDOCK_MASTER_KEY: 'fake-e2e-vault-passphrase-0123', NO_COLOR: '1' };
  const child = spawn(process.execPath, [...cliCommand(), 'serve', '--port', '0', '--json', ...extraArgs], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let printed: { url: string; origin: string };
  try {
    printed = await firstJsonLine(child, exited, () => stderr);
  } catch (error) {
    child.kill('SIGKILL');
    await exited;
    rmSync(home, { recursive: true, force: true });
    throw error;
  }
  return {
    url: printed.url,
    origin: printed.origin,
    home,
    stderr: () => stderr,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const code = await exited;
      rmSync(home, { recursive: true, force: true });
      return code;
    },
    cli: (args) => execFileSync(process.execPath, [...cliCommand(), ...args], { cwd: REPO_ROOT, env, encoding: 'utf8' }),
  };
}

/**
 * Writes a project (file name → text) to `projectDir`, deploys it through `agentdock deploy` and
 * creates a developer API key for `agent`; returns the first endpoint and the raw key.
 */
export function deployWithKey(serve: ServeProcess, agent: string, projectDir: string, files: Record<string, string>, keyLabel?: string): { endpoint: string; key: string } {
  mkdirSync(projectDir, { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(projectDir, name), text);
  const deployed = JSON.parse(serve.cli(['deploy', projectDir, '--json'])) as { endpoints: string[] };
  const { key } = JSON.parse(serve.cli(['key', 'create', agent, '--role', 'developer', ...(keyLabel ? ['--label', keyLabel] : []), '--json'])) as { key: string };
  return { endpoint: deployed.endpoints[0]!, key };
}

function firstJsonLine(child: ChildProcess, exited: Promise<number | null>, stderr: () => string): Promise<{ url: string; origin: string }> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    const timer = setTimeout(() => reject(new Error(`agentdock serve printed no URL within 60 s. stderr:\n${stderr()}`)), 60_000);
    lines.once('line', (line) => {
      clearTimeout(timer);
      try {
        const parsed = JSON.parse(line) as { ok: boolean; url?: string; origin?: string };
        if (!parsed.ok || !parsed.url || !parsed.origin) throw new Error(line);
        resolve({ url: parsed.url, origin: parsed.origin });
      } catch {
        reject(new Error(`agentdock serve printed ${JSON.stringify(line)} instead of its URL. stderr:\n${stderr()}`));
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`agentdock serve exited (${code}) before printing its URL. stderr:\n${stderr()}`));
    });
  });
}
