import { describe, it, expect } from 'vitest';
import { findPythonSymbol, listPythonSymbols } from './python-symbols';

const py = (lines: string[]): string => lines.join('\n');

const LANGGRAPH_FILE = py([
  '"""Invoice agent.',
  '',
  'def not_real():  # inside the module docstring',
  '"""',
  'from typing import TypedDict',
  'from langgraph.graph import StateGraph, START, END',
  '',
  '',
  'class State(TypedDict):',
  '    invoice: str',
  '    total: float',
  '',
  '',
  'def build_graph():',
  '    g = StateGraph(State)',
  '    g.add_node("parse", parse)',
  '    g.add_edge(START, "parse")',
  '    return g.compile()',
  '',
  '',
  'builder = StateGraph(State)',
  'graph = builder.compile()',
]);

describe('findPythonSymbol on a LangGraph module', () => {
  it('finds the factory function with its position', () => {
    expect(findPythonSymbol(LANGGRAPH_FILE, 'build_graph')).toEqual({ status: 'found', kind: 'function', line: 14, column: 5 });
  });

  it('finds the compiled graph assignment', () => {
    expect(findPythonSymbol(LANGGRAPH_FILE, 'graph')).toEqual({ status: 'found', kind: 'assignment', line: 22, column: 1 });
  });

  it('finds classes and imported names', () => {
    expect(findPythonSymbol(LANGGRAPH_FILE, 'State')).toEqual({ status: 'found', kind: 'class', line: 9, column: 7 });
    expect(findPythonSymbol(LANGGRAPH_FILE, 'StateGraph')).toEqual({ status: 'found', kind: 'import', line: 6, column: 29 });
  });

  it('does not count locals of a function, class attributes, or docstring text', () => {
    for (const name of ['g', 'invoice', 'total', 'not_real']) {
      expect(findPythonSymbol(LANGGRAPH_FILE, name).status).toBe('missing');
    }
  });

  it('reports the defined names when the symbol is missing', () => {
    expect(findPythonSymbol(LANGGRAPH_FILE, 'build_grahp')).toEqual({
      status: 'missing',
      available: ['END', 'START', 'State', 'StateGraph', 'TypedDict', 'build_graph', 'builder', 'graph'],
    });
  });

  it('lists the module-level names sorted', () => {
    expect(listPythonSymbols(LANGGRAPH_FILE)).toEqual(['END', 'START', 'State', 'StateGraph', 'TypedDict', 'build_graph', 'builder', 'graph']);
  });
});

describe('findPythonSymbol definition forms', () => {
  it('recognises async and decorated functions', () => {
    const source = py(['@app.route(', '    "/run",', ')', '@traced', 'async def run(state):', '    return state']);
    expect(findPythonSymbol(source, 'run')).toEqual({ status: 'found', kind: 'async-function', line: 5, column: 11 });
    expect(findPythonSymbol(source, 'state').status).toBe('missing');
  });

  it('recognises annotated assignments but not bare annotations', () => {
    const source = py(['graph: CompiledGraph = builder.compile()', 'pending: int']);
    expect(findPythonSymbol(source, 'graph')).toEqual({ status: 'found', kind: 'assignment', line: 1, column: 1 });
    // `x: T` without a value does not create the global at runtime.
    expect(findPythonSymbol(source, 'pending').status).toBe('missing');
  });

  it('recognises tuple, starred and chained assignments', () => {
    const source = 'a, (b, *rest) = first = make()\n[c, d] = pair\n';
    expect(listPythonSymbols(source)).toEqual(['a', 'b', 'c', 'd', 'first', 'rest']);
    expect(findPythonSymbol(source, 'rest')).toMatchObject({ status: 'found', kind: 'assignment', line: 1, column: 9 });
  });

  it('ignores attribute, subscript and augmented targets, comparisons and keyword arguments', () => {
    const source = py(['obj.attr = 1', 'table["k"] = 2', 'counter += 1', 'flag == other', 'call(named=3)', 'f = lambda x, y=1: x']);
    expect(listPythonSymbols(source)).toEqual(['f']);
  });

  it('recognises every import form', () => {
    const source = py([
      'import os',
      'import os.path as osp',
      'import xml.etree.ElementTree',
      'from app.nodes import parse, route as router',
      'from .schemas import (',
      '    InvoiceInput,',
      '    InvoiceOutput as Output,  # trailing comment',
      ')',
    ]);
    expect(listPythonSymbols(source)).toEqual(['InvoiceInput', 'Output', 'os', 'osp', 'parse', 'router', 'xml']);
    expect(findPythonSymbol(source, 'InvoiceInput')).toEqual({ status: 'found', kind: 'import', line: 6, column: 5 });
    expect(findPythonSymbol(source, 'route').status).toBe('missing');
  });

  it('handles semicolons and Python 3.12 type aliases', () => {
    expect(listPythonSymbols('import sys; graph = 1; print(graph)\ntype Vector = list[float]\n')).toEqual(['Vector', 'graph', 'sys']);
  });

  it('keeps the first definition when a name is bound twice', () => {
    const source = py(['def build():', '    pass', 'build = wrap(build)']);
    expect(findPythonSymbol(source, 'build')).toEqual({ status: 'found', kind: 'function', line: 1, column: 5 });
  });
});

describe('findPythonSymbol scope rules', () => {
  it('counts bindings inside top-level try/except and if blocks', () => {
    const source = py([
      'try:',
      '    from fast import graph',
      'except ImportError:',
      '    graph = None',
      'if TYPE_CHECKING:',
      '    from app.types import Typed',
      'elif sys.version_info >= (3, 11):',
      '    def helper():',
      '        hidden = 1',
      '        return hidden',
      'else: fallback = 2',
      'with open("x") as fh:',
      '    loaded = fh.read()',
    ]);
    expect(findPythonSymbol(source, 'graph')).toEqual({ status: 'found', kind: 'import', line: 2, column: 22 });
    expect(findPythonSymbol(source, 'Typed').status).toBe('found');
    expect(findPythonSymbol(source, 'helper')).toEqual({ status: 'found', kind: 'function', line: 8, column: 9 });
    expect(findPythonSymbol(source, 'fallback').status).toBe('found');
    expect(findPythonSymbol(source, 'loaded').status).toBe('found');
    expect(findPythonSymbol(source, 'hidden').status).toBe('missing');
  });

  it('does not count methods, nested functions or class bodies', () => {
    const source = py([
      'class Agent:',
      '    graph = None',
      '    def build_graph(self):',
      '        def inner():',
      '            pass',
      '        return inner',
      '',
      '    # a comment at column 0 does not end the class:',
      '# graph = 1',
      '    nested = 1',
      'def outer():',
      '    if True:',
      '        graph = 2',
      '    from x import y',
    ]);
    expect(listPythonSymbols(source)).toEqual(['Agent', 'outer']);
  });

  it('treats one-line defs as closed at the next line', () => {
    expect(listPythonSymbols('def f(): return 1\ngraph = f()\n')).toEqual(['f', 'graph']);
  });
});

describe('findPythonSymbol ignores strings, comments and continuations', () => {
  it('does not see names in comments or any kind of string', () => {
    const source = py([
      '# graph = 1',
      "s1 = 'graph = 1'",
      's2 = "def graph(): pass"',
      "s3 = r'\\' graph = 1'",
      "s4 = b'''",
      'graph = 1',
      "'''",
      's5 = f"{value:#x} {d["key"]} graph = {1}"',
      "s6 = rb'graph'  # graph = 2",
      's7 = """line',
      'class graph: pass',
      '"""',
    ]);
    expect(listPythonSymbols(source)).toEqual(['s1', 's2', 's3', 's4', 's5', 's6', 's7']);
    expect(findPythonSymbol(source, 'graph').status).toBe('missing');
  });

  it('joins backslash and bracket continuations into one statement', () => {
    const source = py(['graph = \\', '    builder.compile()', 'result = run(', 'fake=1,', ')', 'after = 2']);
    expect(listPythonSymbols(source)).toEqual(['after', 'graph', 'result']);
  });

  it('uses 1-based positions with CRLF line endings and tabs', () => {
    const source = 'import os\r\n\r\nif x:\r\n\tgraph = 1\r\n';
    expect(findPythonSymbol(source, 'graph')).toEqual({ status: 'found', kind: 'assignment', line: 4, column: 2 });
  });

  it('recovers from an unclosed bracket at the next column-0 def', () => {
    const source = py(['broken = call(', 'def build_graph():', '    return 1']);
    expect(findPythonSymbol(source, 'build_graph')).toMatchObject({ status: 'found', line: 2 });
  });
});

describe('findPythonSymbol with star imports', () => {
  it('is unknown when the name could come from `import *`', () => {
    const result = findPythonSymbol('from app.graphs import *\nother = 1\n', 'graph');
    expect(result.status).toBe('unknown');
    if (result.status === 'unknown') expect(result.reason).toContain('from app.graphs import *');
  });

  it('still finds names defined explicitly next to a star import', () => {
    expect(findPythonSymbol('from app.graphs import *\ngraph = 1\n', 'graph')).toMatchObject({ status: 'found', line: 2 });
  });
});

describe('findPythonSymbol on hostile input', () => {
  it('returns quickly on a megabyte of random characters', () => {
    let seed = 42;
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed;
    };
    const chars: string[] = [];
    for (let i = 0; i < 1_000_000; i++) chars.push(String.fromCharCode(random() % 0x10000));
    const garbage = chars.join('');
    const started = Date.now();
    const result = findPythonSymbol(garbage, 'graph');
    expect(['missing', 'unknown', 'found']).toContain(result.status);
    expect(Array.isArray(listPythonSymbols(garbage))).toBe(true);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('survives an unterminated triple-quoted string', () => {
    const source = 'graph = 1\ndoc = """never closed\ndef later(): pass\n';
    expect(findPythonSymbol(source, 'graph').status).toBe('found');
    expect(findPythonSymbol(source, 'later').status).toBe('missing');
  });

  it('survives deeply nested brackets and f-strings', () => {
    expect(findPythonSymbol(`x = ${'('.repeat(100_000)}\n`, 'x')).toMatchObject({ status: 'found', line: 1 });
    expect(findPythonSymbol(`${')'.repeat(100_000)}\ngraph = 1\n`, 'graph')).toMatchObject({ status: 'found', line: 2 });
    expect(findPythonSymbol(`s = ${'f"{'.repeat(50_000)}\ngraph = 1\n`, 'graph')).toMatchObject({ status: 'found', line: 2 });
  });

  it('survives many short pathological lines', () => {
    const source = 'a = f"{\n'.repeat(20_000) + "b = '\n".repeat(20_000) + 'graph = 1\n';
    expect(findPythonSymbol(source, 'graph').status).toBe('found');
  });
});
