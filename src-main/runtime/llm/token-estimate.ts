/**
 * Token estimates for what the provider has not counted yet: the input side of the worst-case
 * budget reservation, and the output of a stream cut off before its usage arrived. Billing uses
 * the provider's own counts whenever it reports them; these are the fallback, always marked.
 *
 * The rule is the common one, about four characters per token for English text. Images are not
 * text: their base64 would count tens of thousands of "tokens", so each counts a fixed allowance
 * sized to the providers' largest per-image charge.
 */

const CHARS_PER_TOKEN = 4;
/** Anthropic caps an image at about 1600 tokens; OpenAI high-detail tiles stay under that too. */
const IMAGE_TOKENS = 1_600;
/** Role and separators each message costs on top of its text (OpenAI documents 3–4). */
const MESSAGE_OVERHEAD_TOKENS = 4;
const MAX_DEPTH = 32;

/** Tokens in a text of `chars` characters by the chars/4 rule, rounded up. */
export function estimateTokensFromChars(chars: number): number {
  return Math.ceil(chars / CHARS_PER_TOKEN);
}

const IMAGE_TYPES = new Set(['image', 'image_url', 'input_image', 'input_audio', 'document']);

function countChars(value: unknown, depth: number): { chars: number; images: number } {
  if (typeof value === 'string') return { chars: value.length, images: 0 };
  if (typeof value === 'number' || typeof value === 'boolean') return { chars: String(value).length, images: 0 };
  if (value === null || typeof value !== 'object' || depth > MAX_DEPTH) return { chars: 0, images: 0 };
  if (!Array.isArray(value) && IMAGE_TYPES.has(String((value as { type?: unknown }).type))) return { chars: 0, images: 1 };
  let chars = 0;
  let images = 0;
  for (const [key, item] of Object.entries(value)) {
    const counted = countChars(item, depth + 1);
    chars += counted.chars + (Array.isArray(value) ? 0 : key.length);
    images += counted.images;
  }
  return { chars, images };
}

/** Estimated input tokens of an OpenAI or Anthropic request body: messages, system prompt and tool definitions. */
export function estimateInputTokens(body: Readonly<Record<string, unknown>>): number {
  let chars = 0;
  let images = 0;
  for (const field of ['messages', 'system', 'tools', 'functions', 'tool_choice', 'response_format']) {
    const counted = countChars(body[field], 0);
    chars += counted.chars;
    images += counted.images;
  }
  const messages = Array.isArray(body.messages) ? body.messages.length : 0;
  return Math.ceil(chars / CHARS_PER_TOKEN) + images * IMAGE_TOKENS + messages * MESSAGE_OVERHEAD_TOKENS;
}
