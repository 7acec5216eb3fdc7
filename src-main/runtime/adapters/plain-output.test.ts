import { AIMessage, AIMessageChunk, HumanMessage, ToolMessage } from '@langchain/core/messages';
import { describe, expect, it } from 'vitest';
import { contentText, messageType, toPlainJson } from './plain-output';

describe('toPlainJson', () => {
  it('flattens LangChain messages to {type, content, …} instead of their constructor serialisation', () => {
    const plain = toPlainJson({
      messages: [
        new HumanMessage({ content: 'hi', id: 'h1' }),
        new AIMessage({ content: '', tool_calls: [{ id: 'c1', name: 'search', args: { q: 'x' }, type: 'tool_call' }] }),
        new ToolMessage({ content: 'found', tool_call_id: 'c1', name: 'search' }),
      ],
    });
    expect(plain).toEqual({
      messages: [
        { type: 'human', content: 'hi', id: 'h1' },
        { type: 'ai', content: '', tool_calls: [{ id: 'c1', name: 'search', args: { q: 'x' } }] },
        { type: 'tool', content: 'found', name: 'search', tool_call_id: 'c1' },
      ],
    });
  });

  it('makes any value JSON-safe', () => {
    const cycle: Record<string, unknown> = { name: 'loop' };
    cycle.self = cycle;
    expect(
      toPlainJson({ n: Number.NaN, big: 10n, when: new Date(0), set: new Set([1]), map: new Map([['k', 1]]), fn: () => 1, skip: undefined, cycle }),
    ).toEqual({ n: null, big: '10', when: '1970-01-01T00:00:00.000Z', set: [1], map: { k: 1 }, cycle: { name: 'loop', self: '[Circular]' } });
    expect(toPlainJson(undefined)).toBeNull();
  });
});

describe('message helpers', () => {
  it('reads the role and the text of chunks and content blocks', () => {
    expect(messageType(new AIMessageChunk({ content: 'x' }))).toBe('ai');
    expect(messageType({ content: 'not a message' })).toBeUndefined();
    expect(contentText([{ type: 'text', text: 'a' }, { type: 'image_url', image_url: 'u' }, 'b'])).toBe('ab');
  });
});
