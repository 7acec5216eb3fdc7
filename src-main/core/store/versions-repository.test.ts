import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AgentsRepository } from './agents-repository';
import { tempDatabase } from './test-support';
import type { TempDatabase } from './test-support';
import { VersionsRepository } from './versions-repository';
import type { NewAgentVersion } from './versions-repository';

let temp: TempDatabase;
let versions: VersionsRepository;
let agentId: string;
const hash = (n: number): string => n.toString(16).padStart(64, 'a');
const input = (n: number, extra: Partial<NewAgentVersion> = {}): NewAgentVersion => ({
  agentId,
  dockfileYaml: `agent:\n  name: doc\n  n: ${n}\n`,
  spec: { agent: { name: 'doc' }, n },
  contentHash: hash(n),
  runtimeVersion: '0.1.0',
  createdBy: 'ann',
  ...extra,
});

beforeEach(() => {
  temp = tempDatabase();
  versions = new VersionsRepository(temp.db);
  agentId = new AgentsRepository(temp.db).create('doc').id;
});
afterEach(() => temp.cleanup());

describe('VersionsRepository', () => {
  it('numbers new content v1, v2… and returns the existing version for the same content', () => {
    const first = versions.createOrGet(input(1));
    expect(first.created).toBe(true);
    expect(first.version).toMatchObject({ number: 1, label: 'v1', contentHash: hash(1), createdBy: 'ann', runtimeVersion: '0.1.0' });
    expect(JSON.parse(first.version.specJson)).toEqual({ agent: { name: 'doc' }, n: 1 });
    const second = versions.createOrGet(input(2));
    expect(second.version.label).toBe('v2');
    const again = versions.createOrGet(input(1, { createdBy: 'bob' }));
    expect(again).toEqual({ version: first.version, created: false });
    expect(versions.list(agentId).map((version) => version.label)).toEqual(['v2', 'v1']);
    expect(versions.latest(agentId)?.id).toBe(second.version.id);
  });

  it('makes one version when two connections register the same content', () => {
    const other = new VersionsRepository(temp.reopen());
    const a = versions.createOrGet(input(5));
    const b = other.createOrGet(input(5));
    expect(b.created).toBe(false);
    expect(b.version.id).toBe(a.version.id);
  });

  it('attaches an image once to a version built without one', () => {
    const { version } = versions.createOrGet(input(1));
    expect(version.image).toBeUndefined();
    const withImage = versions.createOrGet(input(1, { image: { ref: 'agentdock/doc:v1', id: 'sha256:abc' } }));
    expect(withImage).toMatchObject({ created: false, version: { id: version.id, image: { ref: 'agentdock/doc:v1', id: 'sha256:abc' } } });
    expect(versions.attachImage(version.id, { ref: 'agentdock/doc:v1', id: 'sha256:abc' }).image?.id).toBe('sha256:abc');
    expect(() => versions.attachImage(version.id, { ref: 'agentdock/doc:v1', id: 'sha256:other' })).toThrow(expect.objectContaining({ code: 'E2002' }));
  });

  it('finds versions by label and explains a missing one', () => {
    versions.createOrGet(input(1));
    versions.createOrGet(input(2));
    expect(versions.findByLabel(agentId, 'v2')?.number).toBe(2);
    expect(versions.findByLabel(agentId, 'V1')?.number).toBe(1);
    expect(versions.findByLabel(agentId, 2)?.number).toBe(2);
    expect(versions.findByLabel(agentId, 'latest')).toBeUndefined();
    expect(() => versions.require(agentId, 'v9')).toThrow(expect.objectContaining({ code: 'E2003', message: 'No version v9 of this agent. It has v2, v1.' }));
  });

  it('refuses a malformed content hash and an unknown agent', () => {
    expect(() => versions.createOrGet(input(1, { contentHash: 'ABC' }))).toThrow(expect.objectContaining({ code: 'E2002' }));
    expect(() => versions.createOrGet(input(1, { agentId: 'ag_missing' }))).toThrow(expect.objectContaining({ code: 'E2004' }));
  });
});
