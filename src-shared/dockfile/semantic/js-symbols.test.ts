import { describe, it, expect } from 'vitest';
import { findJsExport, listJsExports } from './js-symbols';

const js = (lines: string[]): string => lines.join('\n');

const LANGGRAPH_FILE = js([
  "import { StateGraph, START, END } from '@langchain/langgraph';",
  "import { parse } from './nodes';",
  '',
  '/** export const inDoc = 1 */',
  'const workflow = new StateGraph(State)',
  "  .addNode('parse', parse)",
  "  .addEdge(START, 'parse');",
  '',
  'export const graph = workflow.compile();',
  '',
  'export async function run(input) {',
  '  const inner = await graph.invoke(input);',
  '  return inner;',
  '}',
]);

describe('findJsExport on a LangGraph module', () => {
  it('finds the compiled graph with its position', () => {
    expect(findJsExport(LANGGRAPH_FILE, 'graph')).toEqual({ status: 'found', kind: 'assignment', line: 9, column: 14 });
  });

  it('finds an async function export', () => {
    expect(findJsExport(LANGGRAPH_FILE, 'run')).toEqual({ status: 'found', kind: 'async-function', line: 11, column: 23 });
  });

  it('does not count imports, locals, function bodies or comments as exports', () => {
    for (const name of ['StateGraph', 'workflow', 'inner', 'inDoc', 'default']) {
      expect(findJsExport(LANGGRAPH_FILE, name).status).toBe('missing');
    }
  });

  it('lists the exports when the name is missing', () => {
    expect(findJsExport(LANGGRAPH_FILE, 'grahp')).toEqual({ status: 'missing', available: ['graph', 'run'] });
    expect(listJsExports(LANGGRAPH_FILE)).toEqual(['graph', 'run']);
  });
});

describe('findJsExport ES module forms', () => {
  it('recognises function, generator and class declarations', () => {
    const source = js([
      'export function build() {}',
      'export function* steps() {}',
      'export async function* stream() {}',
      'export class Agent {}',
      'export abstract class Base {}',
      '@Injectable()',
      'export class Service {}',
      'export let counter = 0, other;',
      'export var legacy;',
      'export enum Mode { A }',
    ]);
    expect(findJsExport(source, 'build')).toEqual({ status: 'found', kind: 'function', line: 1, column: 17 });
    expect(findJsExport(source, 'steps')).toMatchObject({ status: 'found', kind: 'function' });
    expect(findJsExport(source, 'stream')).toMatchObject({ status: 'found', kind: 'async-function' });
    expect(findJsExport(source, 'Agent')).toMatchObject({ status: 'found', kind: 'class', line: 4 });
    expect(findJsExport(source, 'Base')).toMatchObject({ status: 'found', kind: 'class', line: 5, column: 23 });
    expect(findJsExport(source, 'Service')).toMatchObject({ status: 'found', kind: 'class', line: 7 });
    expect(listJsExports(source)).toEqual(['Agent', 'Base', 'Mode', 'Service', 'build', 'counter', 'legacy', 'other', 'steps', 'stream']);
  });

  it('recognises destructuring declarations', () => {
    const source = 'export const { a, b: renamed, c = 1, ...rest } = obj, [first, , second] = list;\n';
    expect(listJsExports(source)).toEqual(['a', 'c', 'first', 'renamed', 'rest', 'second']);
    expect(findJsExport(source, 'renamed')).toEqual({ status: 'found', kind: 'assignment', line: 1, column: 22 });
    expect(findJsExport(source, 'b').status).toBe('missing');
  });

  it('is not fooled by commas in generics and type annotations', () => {
    const source = js([
      'export const cache: Map<string, Array<number>> = new Map(), after = make<A, B>(1);',
      'export const fn = <T,>(value: T) => value',
      'export const typed: { x: string, y: number } = { x: "", y: 0 }',
    ]);
    expect(listJsExports(source)).toEqual(['after', 'cache', 'fn', 'typed']);
  });

  it('ends declarations without semicolons at the next statement', () => {
    const source = js(['export const a = compute()', 'export const b = 2', 'const c = 3', 'export { c }']);
    expect(listJsExports(source)).toEqual(['a', 'b', 'c']);
  });

  it('recognises export lists and resolves the kind of the local binding', () => {
    const source = js([
      'function build() {}',
      'class Runner {}',
      "import { helper } from './helper';",
      'const value = 1;',
      "export { build, Runner as AgentRunner, helper, value, build as default, value as 'quoted name' };",
    ]);
    expect(findJsExport(source, 'build')).toEqual({ status: 'found', kind: 'function', line: 5, column: 10 });
    expect(findJsExport(source, 'AgentRunner')).toMatchObject({ status: 'found', kind: 'class' });
    expect(findJsExport(source, 'helper')).toMatchObject({ status: 'found', kind: 'import' });
    expect(findJsExport(source, 'value')).toMatchObject({ status: 'found', kind: 'assignment' });
    expect(findJsExport(source, 'default')).toMatchObject({ status: 'found', kind: 'function' });
    expect(findJsExport(source, 'quoted name')).toMatchObject({ status: 'found', line: 5 });
    expect(findJsExport(source, 'Runner').status).toBe('missing');
  });

  it('recognises re-exports', () => {
    const source = js(["export { graph, compile as build } from './graph';", "export * as nodes from './nodes';", "export { default as app } from './app';"]);
    expect(findJsExport(source, 'graph')).toEqual({ status: 'found', kind: 're-export', line: 1, column: 10 });
    expect(findJsExport(source, 'build')).toMatchObject({ status: 'found', kind: 're-export' });
    expect(findJsExport(source, 'nodes')).toMatchObject({ status: 'found', kind: 're-export', line: 2 });
    expect(findJsExport(source, 'app')).toMatchObject({ status: 'found', kind: 're-export', line: 3 });
    expect(findJsExport(source, 'compile').status).toBe('missing');
  });

  it('reports default exports by declaration kind or as export-default', () => {
    expect(findJsExport('export default function main() {}', 'default')).toEqual({ status: 'found', kind: 'function', line: 1, column: 8 });
    expect(findJsExport('export default async () => {}', 'default')).toMatchObject({ status: 'found', kind: 'export-default' });
    expect(findJsExport('export default class extends Base {}', 'default')).toMatchObject({ status: 'found', kind: 'class' });
    expect(findJsExport('const graph = 1;\nexport default graph;', 'default')).toEqual({ status: 'found', kind: 'export-default', line: 2, column: 8 });
    expect(findJsExport('export = graph;', 'default')).toMatchObject({ status: 'found', kind: 'export-default' });
    // The named function of a default export is not a named export.
    expect(findJsExport('export default function main() {}', 'main').status).toBe('missing');
  });

  it('skips TypeScript types and interfaces', () => {
    const source = js([
      'export type State = { graph: string };',
      'export interface Input { run(): void }',
      "export type { Other } from './other';",
      'type Local = string;',
      'export { type Local, type Local as Alias };',
      'export const enum Flags { A }',
      'export default interface Shape {}',
      'export declare function declared(): void;',
    ]);
    expect(listJsExports(source)).toEqual(['declared']);
    expect(findJsExport(source, 'State').status).toBe('missing');
    expect(findJsExport(source, 'Input').status).toBe('missing');
  });

  it('ignores declarations nested in namespaces, functions and blocks', () => {
    const source = js(['namespace Inner {', '  export const hidden = 1;', '}', 'function f() {', '  const x = 1;', '}', 'export { Inner };']);
    expect(listJsExports(source)).toEqual(['Inner']);
  });
});

describe('findJsExport with star re-exports', () => {
  it('is unknown for names not declared locally', () => {
    const result = findJsExport("export * from './graph';\nexport const other = 1;\n", 'graph');
    expect(result.status).toBe('unknown');
    if (result.status === 'unknown') expect(result.reason).toContain("export * from './graph'");
  });

  it('still finds local exports next to a star re-export', () => {
    expect(findJsExport("export * from './graph';\nexport const graph = 1;\n", 'graph')).toMatchObject({ status: 'found', line: 2 });
  });

  it('knows that `export *` never re-exports default', () => {
    expect(findJsExport("export * from './graph';\n", 'default')).toEqual({ status: 'missing', available: [] });
  });
});

describe('findJsExport CommonJS forms', () => {
  it('recognises exports.NAME and module.exports.NAME assignments', () => {
    const source = js(["'use strict';", 'exports.graph = workflow.compile();', "module.exports.run = async function (input) {};", "exports['quoted'] = 1;", 'exports.default = main;']);
    expect(findJsExport(source, 'graph')).toEqual({ status: 'found', kind: 'assignment', line: 2, column: 9 });
    expect(findJsExport(source, 'run')).toMatchObject({ status: 'found', line: 3, column: 16 });
    expect(findJsExport(source, 'quoted')).toMatchObject({ status: 'found', line: 4 });
    expect(findJsExport(source, 'default')).toMatchObject({ status: 'found', kind: 'export-default', line: 5 });
  });

  it('recognises keys of a module.exports object literal and counts it as default', () => {
    const source = js([
      'function build() {}',
      'module.exports = {',
      '  build,',
      '  graph: workflow.compile(),',
      '  async run(input) { const hidden = 1; },',
      "  'quoted-key': 1,",
      '  nested: { inner: 1 },',
      '};',
    ]);
    expect(listJsExports(source)).toEqual(['build', 'default', 'graph', 'nested', 'quoted-key', 'run']);
    expect(findJsExport(source, 'build')).toEqual({ status: 'found', kind: 'function', line: 3, column: 3 });
    expect(findJsExport(source, 'run')).toMatchObject({ status: 'found', kind: 'async-function', line: 5 });
    expect(findJsExport(source, 'default')).toEqual({ status: 'found', kind: 'export-default', line: 2, column: 1 });
    expect(findJsExport(source, 'inner').status).toBe('missing');
  });

  it('treats module.exports = fn as the default export only', () => {
    expect(findJsExport('module.exports = function run() {};', 'default')).toMatchObject({ status: 'found', kind: 'function' });
    expect(findJsExport('module.exports = (input) => input;', 'default')).toMatchObject({ status: 'found', kind: 'export-default' });
    expect(findJsExport('module.exports = async function () {};', 'run').status).toBe('missing');
  });

  it('is unknown when module.exports is an opaque value or a require', () => {
    expect(findJsExport('module.exports = createAgent();', 'graph').status).toBe('unknown');
    expect(findJsExport("module.exports = require('./impl');", 'graph').status).toBe('unknown');
    expect(findJsExport("module.exports = { ...base, extra: 1 };", 'graph').status).toBe('unknown');
    expect(findJsExport("module.exports = { ...base, extra: 1 };", 'extra').status).toBe('found');
  });

  it('understands TypeScript-compiled CommonJS output', () => {
    const source = js([
      '"use strict";',
      'var __exportStar = (this && this.__exportStar) || function(m, exports) { for (var p in m) exports[p] = m[p]; };',
      'Object.defineProperty(exports, "__esModule", { value: true });',
      'exports.graph = void 0;',
      'Object.defineProperty(exports, "helper", { enumerable: true, get: function () { return h.helper; } });',
      '__exportStar(require("./nodes"), exports);',
      'exports.graph = builder.compile();',
    ]);
    expect(findJsExport(source, 'graph')).toEqual({ status: 'found', kind: 'assignment', line: 4, column: 9 });
    expect(findJsExport(source, 'helper')).toMatchObject({ status: 'found', line: 5, column: 33 });
    expect(findJsExport(source, '__esModule').status).toBe('unknown');
    const unknown = findJsExport(source, 'parse');
    expect(unknown.status).toBe('unknown');
    if (unknown.status === 'unknown') expect(unknown.reason).toContain('./nodes');
  });

  it('does not treat property access or locals named exports as exports', () => {
    const source = js(['const api = { exports: {} };', 'api.exports.graph = 1;', 'this.module.exports = {};', 'obj.exports = 2;']);
    expect(listJsExports(source)).toEqual([]);
  });
});

describe('findJsExport ignores strings, comments, templates and regexes', () => {
  it('does not see exports inside literals or comments', () => {
    const source = js([
      '// export const lineComment = 1;',
      '/* export const blockComment = 1;',
      '   export function alsoComment() {} */',
      'const s1 = "export const inDouble = 1";',
      "const s2 = 'export const inSingle = 1 \\' still';",
      'const t = `export const inTemplate = ${ `nested ${"}"} export const deeper = 1` } }`;',
      'const r = /export const inRegex = 1[/}]"/g;',
      "const d = total / count; const e = '/';",
      'export const visible = 1;',
    ]);
    expect(listJsExports(source)).toEqual(['visible']);
    expect(findJsExport(source, 'visible')).toMatchObject({ status: 'found', line: 9, column: 14 });
  });

  it('keeps bracket depth correct across regexes with brackets and quotes', () => {
    const source = js(['const re = /[{(]"\'`/;', 'if (x) { y = /}/.test(z); }', 'export const after = 1;']);
    expect(findJsExport(source, 'after')).toMatchObject({ status: 'found', line: 3 });
  });

  it('resynchronises at an unindented export after JSX text confuses the tokenizer', () => {
    const source = js(['export default function App() {', "  return <p>Don't panic</p>;", '}', 'export const graph = build();']);
    expect(findJsExport(source, 'graph')).toMatchObject({ status: 'found', line: 4 });
  });

  it('handles a shebang and a byte-order mark', () => {
    expect(findJsExport('\uFEFF#!/usr/bin/env node\nexport const graph = 1;\n', 'graph')).toEqual({ status: 'found', kind: 'assignment', line: 2, column: 14 });
  });
});

describe('findJsExport on hostile input', () => {
  const random = (seed: number, length: number, alphabet?: string): string => {
    let state = seed;
    const chars: string[] = [];
    for (let i = 0; i < length; i++) {
      state = (state * 1103515245 + 12345) % 2147483648;
      chars.push(alphabet === undefined ? String.fromCharCode(state % 0x10000) : (alphabet[state % alphabet.length] ?? ''));
    }
    return chars.join('');
  };

  it('returns quickly on a megabyte of random characters', () => {
    const started = Date.now();
    for (const garbage of [random(7, 1_000_000), random(9, 1_000_000, '/\'"`${}()[]<>=.,; \nexport const a1*')]) {
      const result = findJsExport(garbage, 'graph');
      expect(['missing', 'unknown', 'found']).toContain(result.status);
      expect(Array.isArray(listJsExports(garbage))).toBe(true);
    }
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('stays linear on a long line of slashes that never closes a regex', () => {
    const started = Date.now();
    const source = `${'(/'.repeat(300_000)}\nexport const graph = 1;\n`;
    expect(findJsExport(source, 'graph')).toMatchObject({ status: 'found', line: 2 });
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('survives unterminated literals and deep nesting', () => {
    expect(findJsExport('export const graph = 1;\nconst t = `never closed ${ {', 'graph').status).toBe('found');
    expect(findJsExport('export const graph = 1;\n/* never closed', 'graph').status).toBe('found');
    expect(findJsExport('export const graph = "unterminated\nexport const b = 2;', 'b').status).toBe('found');
    expect(findJsExport(`const x = ${'('.repeat(100_000)};\nexport const graph = 1;`, 'graph').status).toBe('found');
    expect(findJsExport(`const x = ${'`${'.repeat(100_000)}`, 'graph').status).toBe('missing');
    expect(findJsExport(`export const ${'{'.repeat(100_000)}`, 'graph').status).toBe('missing');
    expect(findJsExport(`export const ${'[{a:'.repeat(50_000)}`, 'a').status).toBe('missing');
  });
});
