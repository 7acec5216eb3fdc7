/**
 * Test support for the Docker target and image build: brings up the real engine and the locally
 * made base images (no registry here), and writes a real build bundle (the bundled runtime from
 * out/runtime, a small JS agent, a frozen spec) and a real config bundle.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freezeDockfile, writeTestBundle } from '../../../runtime/test-bundle';
import type { TestBundle } from '../../../runtime/test-bundle';
import type { BuildArtifact } from '../../contracts';
import { ensureRuntimeBuilt } from '../process/process-test-support';

const ROOT = path.resolve(import.meta.dirname, '../../../..');

/** The locally made base image with node (and the one with python3 too). */
export const LOCAL_BASE_NODE = 'agentdock/base-node:22';
export const LOCAL_BASE_PYTHON = 'agentdock/base-python:3';

function run(command: string, args: string[], what: string): string {
  try {
    return execFileSync(command, args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 600_000 });
  } catch (error) {
    const failure = error as { stderr?: string; stdout?: string; message: string };
    throw new Error(`${what} failed — the Docker tests need a working engine on this machine:\n${failure.stderr ?? ''}${failure.stdout ?? ''}${failure.message}`);
  }
}

/** Starts the engine if needed and makes the local base images; throws with the reason otherwise. */
export function ensureDockerAndBaseImages(): void {
  run('bash', ['scripts/ensure-docker.sh'], 'scripts/ensure-docker.sh');
  run('bash', ['scripts/make-base-image.sh'], 'scripts/make-base-image.sh');
  ensureRuntimeBuilt();
}

export const AGENT_DOCKFILE = `version: "1.0"
agent:
  name: docker-echo
  description: "Echoes the question with facts about where it runs"
  entrypoint: agent.mjs:answer
  framework: langchain
model: { provider: openai, name: gpt-4o-mini }
io_schema:
  input:
    type: object
    required: [question]
    properties: { question: { type: string } }
  output:
    type: object
    required: [answer]
    properties: { answer: { type: string }, uid: { type: number }, hostname: { type: string } }
auth:
  mode: api_key
  api_keys: { enabled: true }
  roles:
    - { name: admin, permissions: [invoke, view_metrics, read_logs, read_docs] }
    - { name: developer, permissions: [invoke] }
expose: { rest: true, streaming: sse, host: 127.0.0.1, port: 8080 }
`;

/** The same agent in Python (stdlib only), for the python base image. */
export const PYTHON_AGENT_SOURCE = `import os, socket

def answer(payload):
    print("agent answering", payload["question"], flush=True)
    return {"answer": "echo: " + payload["question"], "uid": os.getuid(), "hostname": socket.gethostname()}
`;

/** A plain-function agent with no dependencies: answers with its uid and container hostname. */
export const AGENT_SOURCE = `import { hostname } from 'node:os';
export async function answer(input) {
  console.log('agent answering', input.question);
  return { answer: 'echo: ' + input.question, uid: process.getuid(), hostname: hostname() };
}
`;

function hashTree(dir: string, hash = createHash('sha256'), prefix = ''): ReturnType<typeof createHash> {
  for (const name of readdirSync(dir).sort()) {
    const full = path.join(dir, name);
    hash.update(`${prefix}${name}\0`);
    if (statSync(full).isDirectory()) hashTree(full, hash, `${prefix}${name}/`);
    else hash.update(readFileSync(full));
  }
  return hash;
}

/** Writes a build bundle (runtime/, agent/, spec.json) to a temp dir; extra agent files may be added. */
function dockfileFor(language: 'javascript' | 'python'): string {
  return language === 'python' ? AGENT_DOCKFILE.replace('entrypoint: agent.mjs:answer', 'entrypoint: agent:answer') : AGENT_DOCKFILE;
}

export async function writeAgentBundle(options: { agent?: string; language?: 'javascript' | 'python'; extraAgentFiles?: Record<string, string> } = {}): Promise<BuildArtifact> {
  const language = options.language ?? 'javascript';
  const bundleDir = mkdtempSync(path.join(tmpdir(), 'agentdock-docker-bundle-'));
  cpSync(path.join(ROOT, 'out/runtime'), path.join(bundleDir, 'runtime'), { recursive: true, filter: (source) => !source.endsWith('.map') });
  mkdirSync(path.join(bundleDir, 'agent'));
  if (language === 'python') writeFileSync(path.join(bundleDir, 'agent', 'agent.py'), PYTHON_AGENT_SOURCE);
  else writeFileSync(path.join(bundleDir, 'agent', 'agent.mjs'), AGENT_SOURCE);
  for (const [name, content] of Object.entries(options.extraAgentFiles ?? {})) writeFileSync(path.join(bundleDir, 'agent', name), content);
  writeFileSync(path.join(bundleDir, 'spec.json'), JSON.stringify(await freezeDockfile(dockfileFor(language))));
  const agent = options.agent ?? 'docker-echo';
  return { agent, resourceName: agent, contentHash: hashTree(bundleDir).digest('hex'), bundleDir, language };
}

/** Writes the runtime config bundle the target mounts at /etc/agentdock (secrets.json mode 0600). */
export async function writeConfigBundle(options: { agentVersion?: string; language?: 'javascript' | 'python' } = {}): Promise<TestBundle> {
  const language = options.language ?? 'javascript';
  return writeTestBundle({
    dockfile: dockfileFor(language),
    roles: ['admin', 'developer'],
    settings: { agentVersion: options.agentVersion ?? 'v1', projectDir: '/app/agent', language, provider: { mode: 'simulated' } },
  });
}

/** Polls `url` until it answers 200 (or the deadline passes); resolves with the last status. */
export async function waitForOk(url: string, timeoutMs = 30_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let status = 0;
  while (Date.now() < deadline) {
    try {
      status = (await fetch(url, { signal: AbortSignal.timeout(2_000) })).status;
      if (status === 200) return status;
    } catch {
      status = 0;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return status;
}
