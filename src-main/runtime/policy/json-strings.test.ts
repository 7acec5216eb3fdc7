import { describe, expect, it } from 'vitest';
import { DEFAULT_WALK_LIMITS, formatJsonPath, mapJsonStrings } from './json-strings';
import type { PathSegment } from './json-strings';

const upper = (text: string): string => text.toUpperCase();

describe('mapJsonStrings', () => {
  it('maps string values at any depth, never keys, and reports paths', () => {
    const seen: string[] = [];
    const input = { messages: [{ role: 'user', content: 'hi' }], meta: { n: 1, ok: true, none: null } };
    const result = mapJsonStrings(input, (text, path) => (seen.push(formatJsonPath(path, () => true)), upper(text)), DEFAULT_WALK_LIMITS);
    expect(result).toEqual({ ok: true, value: { messages: [{ role: 'USER', content: 'HI' }], meta: { n: 1, ok: true, none: null } } });
    expect(seen).toEqual(['messages[0].role', 'messages[0].content']);
  });

  it('keeps unchanged subtrees by identity and never mutates the input', () => {
    const untouched = { a: 'x', list: ['y'] };
    const input = { untouched, changed: { b: 'secret' } };
    const result = mapJsonStrings(input, (text) => (text === 'secret' ? '***' : text), DEFAULT_WALK_LIMITS);
    if (!result.ok) throw new Error('walk failed');
    const value = result.value as typeof input;
    expect(value.untouched).toBe(untouched);
    expect(value.changed).toEqual({ b: '***' });
    expect(input.changed.b).toBe('secret');
    expect(mapJsonStrings(input, (text) => text, DEFAULT_WALK_LIMITS)).toEqual({ ok: true, value: input });
  });

  it('sees what JSON.stringify sees: toJSON results, no undefined or functions', () => {
    const when = new Date('2024-05-01T00:00:00Z');
    const strings: string[] = [];
    mapJsonStrings({ when, skip: undefined, fn: () => 'no', custom: { toJSON: () => ({ inner: 'yes' }) } }, (text) => (strings.push(text), text), DEFAULT_WALK_LIMITS);
    expect(strings).toEqual(['2024-05-01T00:00:00.000Z', 'yes']);
  });

  it('keeps a "__proto__" key as data when it copies an object', () => {
    const input = JSON.parse('{"__proto__": {"polluted": "a"}, "x": "b"}') as unknown;
    const result = mapJsonStrings(input, upper, DEFAULT_WALK_LIMITS);
    if (!result.ok) throw new Error('walk failed');
    expect(Object.getPrototypeOf(result.value)).toBe(Object.prototype);
    expect(JSON.stringify(result.value)).toBe('{"__proto__":{"polluted":"A"},"x":"B"}');
  });

  it('stops at the depth and value limits, and on cycles', () => {
    let deep: unknown = 'leaf';
    for (let index = 0; index < 10; index += 1) deep = [deep];
    expect(mapJsonStrings(deep, upper, { maxDepth: 5, maxNodes: 1000 })).toEqual({ ok: false, limit: 'depth' });
    expect(mapJsonStrings(Array.from({ length: 50 }, () => 'x'), upper, { maxDepth: 5, maxNodes: 20 })).toEqual({ ok: false, limit: 'nodes' });
    const cyclic: Record<string, unknown> = { a: 'x' };
    cyclic.self = cyclic;
    expect(mapJsonStrings(cyclic, upper, DEFAULT_WALK_LIMITS)).toEqual({ ok: false, limit: 'depth' });
  });
});

describe('formatJsonPath', () => {
  it('writes identifiers with dots, other keys quoted, unsafe keys as [*], the root as $', () => {
    const path: PathSegment[] = ['messages', 0, 'content type', 'bob@example.com'];
    expect(formatJsonPath(path, (key) => !key.includes('@'))).toBe('messages[0]["content type"][*]');
    expect(formatJsonPath([], () => true)).toBe('$');
  });
});
