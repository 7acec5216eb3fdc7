// Entrypoints and I/O classes are found by reading the project's source, never by running it.
import { describe, expect, it } from 'vitest';
import { createMemoryHost } from '../host';
import { checkClassPath, checkEntrypoint } from './code-references';

const host = createMemoryHost({
  '/p/app/graph.py': 'from langgraph.graph import StateGraph\n\ndef build_graph():\n    return StateGraph(dict).compile()\n',
  '/p/app/__init__.py': '',
  '/p/pkg/__init__.py': 'from .impl import *\n',
  '/p/src/agent.ts': "import { StateGraph } from '@langchain/langgraph';\nexport const graph = new StateGraph({}).compile();\n",
  '/p/lib/index.js': 'module.exports = { run: async () => ({}) };\n',
  '/p/app/schemas.py': 'from pydantic import BaseModel\n\nclass InvoiceInput(BaseModel):\n    id: str\n',
});

describe('checkEntrypoint', () => {
  it('resolves a Python module:function and reports the language', async () => {
    const result = await checkEntrypoint('app.graph:build_graph', '/p', host);
    expect(result.problems).toEqual([]);
    expect(result.resolved).toEqual({ language: 'python', file: '/p/app/graph.py', symbol: 'build_graph' });
  });

  it('resolves TypeScript paths, dotted or slashed, and CommonJS index files', async () => {
    expect((await checkEntrypoint('src/agent:graph', '/p', host)).resolved?.language).toBe('typescript');
    expect((await checkEntrypoint('src.agent:graph', '/p', host)).resolved?.file).toBe('/p/src/agent.ts');
    expect((await checkEntrypoint('./src/agent.js:graph', '/p', host)).resolved?.file).toBe('/p/src/agent.ts');
    expect((await checkEntrypoint('lib:run', '/p', host)).resolved).toMatchObject({ language: 'javascript', file: '/p/lib/index.js' });
  });

  it('suggests the closest name when the callable is missing', async () => {
    const result = await checkEntrypoint('app.graph:buildgraph', '/p', host);
    expect(result.problems[0]?.draft).toMatchObject({ code: 4003, path: 'agent.entrypoint', message: 'app/graph.py defines no top-level buildgraph — did you mean build_graph?', fix: 'use app.graph:build_graph' });
  });

  it('lists where it looked when the module is missing', async () => {
    const result = await checkEntrypoint('app.nope:run', '/p', host);
    expect(result.problems[0]?.draft.message).toBe('cannot find module app.nope in the project (looked for app/nope.py, app/nope/__init__.py, src/app/nope.py, src/app/nope/__init__.py, app/nope.ts, app/nope.mts)');
  });

  it('warns instead of guessing when a star import hides the answer', async () => {
    const result = await checkEntrypoint('pkg:run', '/p', host);
    expect(result.problems[0]?.draft).toMatchObject({ code: 4003, severity: 'warning', rule: 'reference-unverified' });
  });

  it('refuses references that leave the project', async () => {
    const result = await checkEntrypoint('../outside/agent:run', '/p', host);
    expect(result.problems[0]?.draft.message).toBe('../outside/agent:run points outside the agent project');
  });
});

describe('checkClassPath', () => {
  it('finds a Pydantic class by dotted path or module:Class', async () => {
    expect((await checkClassPath('input_class', 'app.schemas.InvoiceInput', '/p', host)).problems).toEqual([]);
    expect((await checkClassPath('input_class', 'app.schemas:InvoiceInput', '/p', host)).problems).toEqual([]);
  });

  it('reports a missing class with code 4004', async () => {
    const result = await checkClassPath('output_class', 'app.schemas.InvoiceOutput', '/p', host);
    expect(result.problems[0]?.draft).toMatchObject({ code: 4004, path: 'io_schema.output_class' });
  });
});
