// The deploy controller on the real Docker engine: the same project deploys as a hardened
// container, answers through its 127.0.0.1 port, and rolls back like the process target.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Dockerode from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openControlPlane } from '../control-plane';
import type { ControlPlane } from '../control-plane';
import { generateMasterKey, StaticKeyProvider } from '../vault';

const repoRoot = path.join(import.meta.dirname, '..', '..', '..');
let home: string;
let plane: ControlPlane;
let apiKey: string;
const docker = new Dockerode();

beforeAll(async () => {
  execFileSync('bash', [path.join(repoRoot, 'scripts/ensure-docker.sh')], { stdio: 'ignore' });
  execFileSync('bash', [path.join(repoRoot, 'scripts/make-base-image.sh')], { stdio: 'ignore' });
  home = mkdtempSync(path.join(tmpdir(), 'agentdock-docker-controller-'));
  const project = path.join(home, 'project');
  mkdirSync(project);
  writeFileSync(
    path.join(project, 'Dockfile.yaml'),
    `version: "1.0"
agent: { name: boxed-agent, entrypoint: agent.mjs:run, framework: langgraph }
model: { provider: openai, name: gpt-4o-mini }
io_schema:
  input: { type: object, properties: { text: { type: string } } }
  output: { type: object }
policies: { safety: { max_output_chars: 1000 } }
auth: { mode: api_key, api_keys: { enabled: true } }
expose: { rest: true }
`,
  );
  writeFileSync(path.join(project, 'agent.mjs'), 'export async function run(input) { return { reply: `boxed ${input.text}`, uid: process.getuid() }; }\n');
  plane = openControlPlane({ dataDir: path.join(home, 'data'), env: { ...process.env, AGENTDOCK_BASE_IMAGE_NODE: 'agentdock/base-node:22' }, keyProvider: new StaticKeyProvider(generateMasterKey()) });
  const { agent } = plane.repositories.agents.getOrCreate('boxed-agent');
  apiKey = plane.repositories.apiKeys.create({ agentId: agent.id, role: 'developer', createdBy: 'test' }).raw;
}, 180_000);

afterAll(async () => {
  for (const deployment of plane?.repositories.deployments.list() ?? []) await plane.targets.docker?.delete(deployment.id).catch(() => undefined);
  await plane?.close();
  for (const image of await docker.listImages({ filters: { label: ['dev.agentdock.agent=boxed-agent'] } })) await docker.getImage(image.Id).remove({ force: true }).catch(() => undefined);
  if (home) rmSync(home, { recursive: true, force: true });
}, 120_000);

describe('DeployController on the Docker target', () => {
  it('deploys into a non-root container on a loopback port and serves requests', async () => {
    const result = await plane.controller().deploy(path.join(home, 'project'), { target: 'docker', actor: 'tester', healthTimeoutMs: 60_000 });
    expect(result).toMatchObject({ agent: 'boxed-agent', version: 'v1', replicas: 1 });
    expect(result.endpoints[0]).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const response = await fetch(`${result.endpoints[0]}/invoke`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': apiKey }, body: JSON.stringify({ text: 'hi' }) });
    expect(await response.json()).toEqual({ reply: 'boxed hi', uid: 10001 });
    const containers = await docker.listContainers({ filters: { label: [`dev.agentdock.deployment=${result.deploymentId}`] } });
    expect(containers.length).toBeGreaterThanOrEqual(1);
    const inspected = await docker.getContainer(containers[0]!.Id).inspect();
    expect(inspected.HostConfig.CapDrop).toEqual(['ALL']);
    expect(inspected.HostConfig.SecurityOpt).toContain('no-new-privileges');
  }, 180_000);
});
