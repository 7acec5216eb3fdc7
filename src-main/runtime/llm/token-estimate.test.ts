import { describe, expect, it } from 'vitest';
import { estimateInputTokens, estimateTokensFromChars } from './token-estimate';

describe('token estimates', () => {
  it('rounds chars/4 up', () => {
    expect(estimateTokensFromChars(0)).toBe(0);
    expect(estimateTokensFromChars(9)).toBe(3);
  });

  it('counts message text, tools and the system prompt, plus a per-message overhead', () => {
    const text = 'x'.repeat(400);
    const plain = estimateInputTokens({ messages: [{ role: 'user', content: text }] });
    // 400 chars of text + "role" "user" "content" (15 chars) → 104 tokens, + 4 for the message.
    expect(plain).toBe(108);
    expect(estimateInputTokens({ system: text, messages: [{ role: 'user', content: text }] })).toBe(208);
    expect(estimateInputTokens({ messages: [], tools: [{ name: 'search', description: text }] })).toBeGreaterThan(100);
  });

  it('counts an image as a fixed allowance, not its base64 length', () => {
    const image = { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'A'.repeat(1_000_000) } };
    const openAiImage = { type: 'image_url', image_url: { url: `data:image/png;base64,${'A'.repeat(1_000_000)}` } };
    // The image allowance, "role" "user" "content" (15 chars → 4), and the message overhead.
    expect(estimateInputTokens({ messages: [{ role: 'user', content: [image] }] })).toBe(1_600 + 4 + 4);
    expect(estimateInputTokens({ messages: [{ role: 'user', content: [openAiImage] }] })).toBe(1_600 + 4 + 4);
  });
});
