/**
 * Test support for the process target: a real agent bundle (built by buildAgentBundle with the
 * real bundled runtime), a real runtime config dir beside it, and helpers to wait for real
 * processes. Builds out/runtime first when it is missing, as `npm run build:node` would.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { generateApiKey } from '../../../runtime/auth/api-keys';
import { buildAgentBundle } from '../../build/agent-bundle';
import type { AgentBundle } from '../../build/agent-bundle';
import { dockfileText, freezeSpec, writeTree } from '../../build/build-test-support';
import { findRuntimeDir } from '../../build/runtime-dir';
import type { DeploymentSpec } from '../../contracts';
import type { ProcessTarget } from './process-target';

const REPO_ROOT = path.resolve(import.meta.dirname, '../../../..');

/** The echo agent: answers with its input and the pid of the replica that served it. */
export const ECHO_AGENT = 'export async function run(input) { return { echo: input.text ?? null, pid: process.pid }; }\n';

/** out/runtime, built on demand (what `npm run build:node` builds). */
export function ensureRuntimeBuilt(): string {
  if (!existsSync(path.join(REPO_ROOT, 'out/runtime/agentdock-runtime.js'))) {
    // `npm test` runs the unit tests before `npm run build`: bundle the runtime here, under a lock so
    // parallel test files neither write out/runtime at the same time nor read it half-written.
    const build = `[ -f out/runtime/agentdock-runtime.js ] || "${process.execPath}" scripts/build-node-bundles.mjs`;
    execFileSync('flock', [path.join(tmpdir(), 'agentdock-build-node.lock'), 'sh', '-c', build], { cwd: REPO_ROOT, stdio: 'ignore' });
  }
  return findRuntimeDir(path.join(REPO_ROOT, 'src-main/core/build'));
}

/** Builds a bundle of a one-file JavaScript agent under `root`. */
export async function buildTestBundle(root: string, options: { name?: string; source?: string } = {}): Promise<AgentBundle> {
  const name = options.name ?? 'echo_agent';
  const project = writeTree('agentdock-agent-', { 'Dockfile.yaml': dockfileText(name, 'agent.mjs:run'), 'agent.mjs': options.source ?? ECHO_AGENT });
  const bundle = await buildAgentBundle({
    projectDir: project,
    dockfileFile: path.join(project, 'Dockfile.yaml'),
    spec: await freezeSpec(dockfileText(name, 'agent.mjs:run')),
    language: 'javascript',
    runtimeDir: ensureRuntimeBuilt(),
    bundlesDir: path.join(root, 'bundles'),
    durable: false,
  });
  rmSync(project, { recursive: true, force: true }); // the bundle must not need the project any more
  return bundle;
}

export interface TestConfig {
  dir: string;
  /** Raw API key of the developer role. */
  key: string;
  /** Replaces keys.json with one new developer key; returns it. */
  rotateKey(): string;
}

/** Writes the config dir the controller would: spec.json, runtime.json (projectDir = the bundle's agent/), keys, secrets. */
export function writeConfigDir(root: string, bundle: AgentBundle): TestConfig {
  const dir = mkdtempSync(path.join(root, 'config-'));
  writeFileSync(path.join(dir, 'spec.json'), JSON.stringify(bundle.runSpec));
  writeFileSync(path.join(dir, 'runtime.json'), JSON.stringify({ agentVersion: 'v1', projectDir: bundle.agentDir, language: bundle.language, provider: { mode: 'simulated' } }));
  writeFileSync(path.join(dir, 'secrets.json'), JSON.stringify({ jwtSecret: 'test-only-jwt-secret-0123456789abcdef', auditHashKey: 'test-only-audit-hash-key-0123456789' }), { mode: 0o600 });
  const rotateKey = (): string => {
    const key = generateApiKey();
    writeFileSync(path.join(dir, 'keys.json'), JSON.stringify({ keys: [{ id: `key-${key.prefix}`, hash: key.hash, role: 'developer' }] }));
    return key.raw;
  };
  return { dir, key: rotateKey(), rotateKey };
}

/** A DeploymentSpec for `bundle` with `config`. */
export function testDeployment(bundle: AgentBundle, config: TestConfig, overrides: Partial<DeploymentSpec> = {}): DeploymentSpec {
  return {
    deploymentId: `dep-${Math.random().toString(36).slice(2, 10)}`,
    agent: bundle.agent,
    resourceName: bundle.resourceName,
    version: 'v1',
    artifact: bundle,
    configDir: config.dir,
    replicas: 1,
    trust: 'STANDARD',
    port: 8080,
    ...overrides,
  };
}

/** A temporary root for one test's bundles, config dirs and state. */
export function testRoot(): string {
  return mkdtempSync(path.join(tmpdir(), 'agentdock-process-'));
}

/** Polls `probe` until it returns a value other than undefined/false, or fails after `timeoutMs` saying what it waited for. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** True while `pid` exists and is not a zombie. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/\) [ZX] /.test(stat);
  } catch {
    return false;
  }
}

/** SIGKILLs the process groups of every pid a test saw and forgets them: no replica outlives its test. */
export function killProcessGroups(pids: Set<number>): void {
  for (const pid of pids) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // Already gone: the test cleaned up after itself.
    }
  }
  pids.clear();
}

/** One test file's process-target world: a bundle and config dir built once, targets and replicas cleaned up after each test. */
export interface ProcessTargetFixture {
  readonly root: string;
  readonly bundle: AgentBundle;
  readonly config: TestConfig;
  /** Pids whose process groups are SIGKILLed after each test. */
  readonly pids: Set<number>;
  /** Disposes `target` after the test and kills every replica it reports. */
  track(target: ProcessTarget): ProcessTarget;
}

/** Registers the file's beforeAll/afterEach/afterAll hooks and returns the fixture they fill. */
export function useProcessTargetFixture(): ProcessTargetFixture {
  const targets: ProcessTarget[] = [];
  const pids = new Set<number>();
  let built: { root: string; bundle: AgentBundle; config: TestConfig } | undefined;
  const ready = () => {
    if (!built) throw new Error('the process target fixture is used before beforeAll built it');
    return built;
  };
  beforeAll(async () => {
    const root = testRoot();
    const bundle = await buildTestBundle(root);
    built = { root, bundle, config: writeConfigDir(root, bundle) };
  }, 120_000);
  afterEach(async () => {
    for (const target of targets.splice(0)) await target.dispose();
    killProcessGroups(pids);
  });
  afterAll(() => {
    if (built) rmSync(built.root, { recursive: true, force: true });
  });
  return {
    get root() {
      return ready().root;
    },
    get bundle() {
      return ready().bundle;
    },
    get config() {
      return ready().config;
    },
    pids,
    track(target) {
      target.onEvent((event) => {
        if (event.pid) pids.add(event.pid);
      });
      targets.push(target);
      return target;
    },
  };
}
