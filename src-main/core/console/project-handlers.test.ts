// The editor's project requests over the real handlers: create a starter project (never over an
// existing one), open it, validate a buffer, save only Dockfiles, each with the error a user needs.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConsoleErrorBody, Result } from '../../../src-shared/ipc/envelope';
import { connect, openConsoleTestPlane } from './test-support';
import type { ConsoleTestPlane } from './test-support';

let fixture: ConsoleTestPlane;
let root: string;
let handlers: ConsoleTestPlane['handlers'];

beforeAll(() => {
  fixture = openConsoleTestPlane({ name: 'console-project' });
  ({ root, handlers } = fixture);
});

afterAll(() => fixture?.dispose());

async function failure(answer: Promise<Result<unknown>>): Promise<ConsoleErrorBody> {
  const result = await answer;
  if (result.ok) throw new Error(`expected a failure, got ${JSON.stringify(result.value).slice(0, 300)}`);
  return result.error;
}

async function value<T>(answer: Promise<Result<T>>): Promise<T> {
  const result = await answer;
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.value;
}

describe('project:init', () => {
  it('writes a starter project named after its folder and answers with its Dockfile, which validates', async () => {
    const { client } = connect(handlers, { user: 'dev', role: 'developer' });
    const directory = path.join(root, 'Support_Bot');
    const created = await value(client.request('project:init', { directory, framework: 'langgraph', language: 'typescript' }));
    expect(created.file).toBe(path.join(directory, 'Dockfile.yaml'));
    expect(created.text).toBe(readFileSync(created.file, 'utf8'));
    expect(created.text).toMatch(/^ {2}name: support-bot$/m);
    expect(existsSync(path.join(directory, 'src', 'agent.ts'))).toBe(true);
    const report = await value(client.request('dockfile:validate', { text: created.text, file: created.file }));
    expect(report).toMatchObject({ valid: true, errorCount: 0, agent: 'support-bot', language: 'typescript' });
  });

  it('refuses a folder that already holds a project (E3009) and leaves its files as they were', async () => {
    const { client } = connect(handlers, { user: 'dev', role: 'developer' });
    const directory = path.join(root, 'existing');
    mkdirSync(directory);
    writeFileSync(path.join(directory, 'Dockfile.yaml'), '# mine\n');
    const error = await failure(client.request('project:init', { directory, framework: 'langchain', language: 'python' }));
    expect(error.code).toBe('E3009');
    expect(error.message).toContain('Dockfile.yaml');
    expect(error.message).toMatch(/open it instead/);
    expect(readFileSync(path.join(directory, 'Dockfile.yaml'), 'utf8')).toBe('# mine\n');
  });

  it('names the field for a bad agent name (E3001), and a viewer may not create projects (E3002)', async () => {
    const developer = connect(handlers, { user: 'dev', role: 'developer' }).client;
    const bad = await failure(developer.request('project:init', { directory: path.join(root, 'x'), framework: 'langgraph', language: 'python', name: 'Bad Name' }));
    expect(bad.code).toBe('E3001');
    expect(bad.message).toContain('name');
    const viewer = connect(handlers, { user: 'eve', role: 'viewer' }).client;
    const refused = await failure(viewer.request('project:init', { directory: path.join(root, 'y'), framework: 'langgraph', language: 'python' }));
    expect(refused.code).toBe('E3002');
    expect(existsSync(path.join(root, 'y'))).toBe(false);
  });
});

describe('project:save', () => {
  it('writes a Dockfile atomically and refuses any other file name', async () => {
    const { client } = connect(handlers, { user: 'dev', role: 'developer' });
    const directory = path.join(root, 'save-me');
    const created = await value(client.request('project:init', { directory, framework: 'langgraph', language: 'python' }));
    const saved = await value(client.request('project:save', { file: created.file, text: `${created.text}# edited\n` }));
    expect(readFileSync(created.file, 'utf8')).toBe(saved.text);
    const refused = await failure(client.request('project:save', { file: path.join(directory, 'agent', 'graph.py'), text: 'import os' }));
    expect(refused.code).toBe('E3001');
    expect(readFileSync(path.join(directory, 'agent', 'graph.py'), 'utf8')).not.toBe('import os');
  });
});
