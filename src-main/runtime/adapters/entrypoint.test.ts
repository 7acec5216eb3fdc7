import { mkdtemp, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AgentRunError } from '../contracts';
import { jsModuleCandidates, parseEntrypoint, resolveJsEntrypoint } from './entrypoint';

let dir: string;
let project: string;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'agentdock-entrypoint-'));
  project = path.join(dir, 'project');
  await mkdir(path.join(project, 'src'), { recursive: true });
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('entrypoint resolution', () => {
  it('splits module:symbol at the last colon and rejects malformed references', () => {
    expect(parseEntrypoint('src/agent:graph')).toEqual({ module: 'src/agent', symbol: 'graph' });
    expect(() => parseEntrypoint('agent')).toThrow(AgentRunError);
  });

  it('prefers compiled JavaScript, maps .js imports to .ts sources, and reads dotted modules as paths', () => {
    expect(jsModuleCandidates('src/agent').slice(0, 4)).toEqual(['src/agent.js', 'src/agent.mjs', 'src/agent.cjs', 'src/agent.ts']);
    expect(jsModuleCandidates('./agent.js')).toEqual(['./agent.js', './agent.ts']);
    expect(jsModuleCandidates('src.agent')[0]).toBe('src/agent.js');
  });

  it('finds the module file, including index files', async () => {
    await writeFile(path.join(project, 'src', 'index.mjs'), 'export const graph = 1;');
    expect(await resolveJsEntrypoint({ module: 'src', symbol: 'graph' }, project)).toBe(path.join(project, 'src', 'index.mjs'));
  });

  it('refuses a module that escapes the project through a symlink', async () => {
    await writeFile(path.join(dir, 'outside.mjs'), 'export const graph = 1;');
    await symlink(path.join(dir, 'outside.mjs'), path.join(project, 'agent.mjs'));
    await expect(resolveJsEntrypoint({ module: 'agent.mjs', symbol: 'graph' }, project)).rejects.toThrow('resolves outside the agent project');
  });

  it('asks for compiled JavaScript when the file needs a JSX transform', async () => {
    await writeFile(path.join(project, 'agent.tsx'), 'export const graph = 1;');
    await expect(resolveJsEntrypoint({ module: 'agent.tsx', symbol: 'graph' }, project)).rejects.toThrow('needs a JSX transform');
  });
});
