/**
 * Test support for the reconcile tests: an agent project on disk, the crash-deployer child process
 * (testdata/crash-deployer.ts) that deploys and freezes at a chosen point, and checks that read
 * what is really there — runtime processes by their command-line markers, bundle directories.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ControlPlane } from '../control-plane';
import { deleteDeploymentsAndClose } from '../control-plane-test-support';

const REPO_ROOT = path.resolve(import.meta.dirname, '../../..');
const DEPLOYER = path.join(import.meta.dirname, 'testdata', 'crash-deployer.ts');

/** A vault passphrase for parent and child alike (tests only). */
export const TEST_MASTER_KEY = 'test-only-master-key-0123456789-abcdef';

/**
 * The Dockfile of the test agent; `${JWT_SECRET}` makes the version carry an interpolated secret.
 * Process replicas bind loopback; a container binds what its target says (no `host`).
 */
export function dockfile(name: string, target: 'process' | 'docker' = 'process'): string {
  return `version: "1.0"
agent: { name: ${name}, entrypoint: agent.mjs:run, framework: langgraph }
model: { provider: openai, name: gpt-4o-mini }
io_schema:
  input: { type: object, properties: { text: { type: string } } }
  output: { type: object, properties: { reply: { type: string } } }
policies: { safety: { max_output_chars: 1000 } }
auth:
  mode: jwt
  jwt: { secret_key: "\${JWT_SECRET}" }
  api_keys: { enabled: true }
  roles: [{ name: developer, permissions: [invoke] }]
expose: { rest: true${target === 'process' ? ', host: 127.0.0.1' : ''} }
`;
}

/** Writes (or rewrites) the project: its answer tells the versions apart. */
export function writeProject(dir: string, name: string, reply: string, target: 'process' | 'docker' = 'process'): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'Dockfile.yaml'), dockfile(name, target));
  writeFileSync(path.join(dir, 'agent.mjs'), `export async function run(input) { return { reply: ${JSON.stringify(reply)} + ' ' + (input.text ?? '') }; }\n`);
}

export interface DeployerRun {
  pid: number;
  /** The pause point, once the child froze there. */
  paused: Promise<string>;
  /** The DeployResult JSON, once the deploy finished (pause point `none`). */
  done: Promise<unknown>;
  /** kill -9, then wait until it is gone. */
  kill(): Promise<void>;
  exited: Promise<void>;
}

/** Starts the crash-deployer; both promises reject if the child exits first (with its stderr). */
export function startDeployer(input: { dataDir: string; projectDir: string; target: 'process' | 'docker'; pauseAt: string; idempotencyKey?: string; env: NodeJS.ProcessEnv }): DeployerRun {
  const args = ['--import', 'tsx', DEPLOYER, input.dataDir, input.projectDir, input.target, input.pauseAt, ...(input.idempotencyKey ? [input.idempotencyKey] : [])];
  const child = spawn(process.execPath, args, { cwd: REPO_ROOT, env: input.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const waiters: { prefix: string; resolve: (rest: string) => void; reject: (error: Error) => void }[] = [];
  const check = (): void => {
    for (const line of stdout.split('\n')) {
      for (const waiter of [...waiters]) {
        if (!line.startsWith(waiter.prefix)) continue;
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(line.slice(waiter.prefix.length));
      }
    }
  };
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
    check();
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      for (const waiter of waiters.splice(0)) waiter.reject(new Error(`crash-deployer exited before "${waiter.prefix}":\n${stdout}\n${stderr}`));
      resolve();
    }),
  );
  const line = (prefix: string): Promise<string> => new Promise((resolve, reject) => waiters.push({ prefix, resolve, reject }));
  const paused = line('paused ');
  const done = line('done ').then((json) => JSON.parse(json) as unknown);
  paused.catch(() => undefined);
  done.catch(() => undefined);
  return {
    pid: child.pid ?? -1,
    paused,
    done,
    exited,
    kill: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

/** After a test: kills the deployer children still running, then deletes every deployment each control plane knows on `target` and closes it. */
export async function closeDeployersAndPlanes(runs: DeployerRun[], planes: ControlPlane[], target: 'process' | 'docker'): Promise<void> {
  for (const run of runs.splice(0)) await run.kill();
  for (const plane of planes.splice(0)) await deleteDeploymentsAndClose(plane, target);
}

/** Live AgentDock runtime processes (Linux /proc) and the deployment each belongs to. */
export function runtimeProcesses(): { pid: number; deploymentId: string }[] {
  const found: { pid: number; deploymentId: string }[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let args: string[];
    let state: string;
    try {
      args = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    } catch {
      continue; // gone meanwhile
    }
    if (state === 'Z' || !args.some((arg) => arg.endsWith('agentdock-runtime.js'))) continue;
    const marker = args.find((arg) => arg.startsWith('--agentdock-deployment='));
    if (marker) found.push({ pid: Number(entry), deploymentId: marker.slice('--agentdock-deployment='.length) });
  }
  return found;
}

/** Problems with the bundles dir: temp dirs left, or bundles missing a part. Empty when every bundle is whole. */
export function bundleProblems(dataDir: string): string[] {
  const problems: string[] = [];
  const bundles = path.join(dataDir, 'bundles');
  for (const resource of existsSync(bundles) ? readdirSync(bundles) : []) {
    for (const name of readdirSync(path.join(bundles, resource))) {
      const dir = path.join(bundles, resource, name);
      if (name.startsWith('.tmp-')) problems.push(`temp dir left: ${dir}`);
      else for (const part of ['manifest.json', 'spec.json', 'runtime/agentdock-runtime.js', 'agent/agent.mjs']) if (!existsSync(path.join(dir, part))) problems.push(`${dir} has no ${part}`);
    }
  }
  return problems;
}

/** POSTs /invoke with an API key; the reply text. */
export async function invoke(endpoint: string, apiKey: string): Promise<string> {
  const response = await fetch(`${endpoint}/invoke`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': apiKey }, body: JSON.stringify({ text: 'hi' }), signal: AbortSignal.timeout(10_000) });
  const body = (await response.json()) as { reply?: string };
  return body.reply ?? JSON.stringify(body);
}
