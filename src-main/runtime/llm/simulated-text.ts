/**
 * The simulated provider's deterministic language model: a seeded generator of plain sentences
 * and a tokenizer simple enough to check by eye.
 *
 * Tokenizer: one token per run of letters, digits and underscores, plus one per punctuation or
 * symbol character; whitespace is free. "Hello, world." is 4 tokens. Input tokens of a request
 * are the tokens of every string value under `system` and `messages` (object keys do not count).
 *
 * Determinism: the answer depends only on the seed and the request's provider, model, system
 * prompt and messages, so the same request to a simulator with the same seed gives the same text
 * and the same counts, on any machine.
 */
import { createHash } from 'node:crypto';

const TOKEN = /[\p{L}\p{N}_]+|[^\p{L}\p{N}_\s]/gu;
const PIECE = /\s*(?:[\p{L}\p{N}_]+|[^\p{L}\p{N}_\s])/gu;

/** Tokens in `text` by the simulator's rule. */
export function countSimulatedTokens(text: string): number {
  return text.match(TOKEN)?.length ?? 0;
}

/** `text` cut into one piece per token, each with the whitespace before it (the stream deltas). */
export function splitIntoTokenPieces(text: string): string[] {
  const pieces = text.match(PIECE) ?? [];
  const covered = pieces.join('').length;
  if (covered < text.length) {
    if (pieces.length === 0) return text === '' ? [] : [text];
    pieces[pieces.length - 1] += text.slice(covered);
  }
  return pieces;
}

function collectStrings(value: unknown, out: string[], depth = 0): void {
  if (depth > 32) return;
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const item of value) collectStrings(item, out, depth + 1);
  else if (typeof value === 'object' && value !== null) for (const item of Object.values(value)) collectStrings(item, out, depth + 1);
}

/** Input tokens of a request body: every string under `system` and `messages`. */
export function simulatedInputTokens(body: Readonly<Record<string, unknown>>): number {
  const strings: string[] = [];
  collectStrings(body.system, strings);
  collectStrings(body.messages, strings);
  return strings.reduce((sum, text) => sum + countSimulatedTokens(text), 0);
}

/** mulberry32: a small, fast, well-distributed 32-bit PRNG; returns floats in [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** A 32-bit seed from the simulator seed and the parts of a request that decide the answer. */
export function requestSeed(seed: number, provider: string, body: Readonly<Record<string, unknown>>): number {
  const hash = createHash('sha256').update(JSON.stringify([seed, provider, body.model, body.system ?? null, body.messages ?? null])).digest();
  return hash.readUInt32LE(0);
}

const WORDS = [
  'agent', 'answer', 'budget', 'careful', 'cluster', 'context', 'data', 'deploy', 'detail', 'event',
  'fast', 'graph', 'health', 'input', 'latency', 'lead', 'metric', 'model', 'node', 'output',
  'plan', 'policy', 'prompt', 'query', 'quiet', 'ready', 'record', 'reply', 'result', 'route',
  'runtime', 'safe', 'schema', 'signal', 'simple', 'state', 'stream', 'summary', 'system', 'task',
  'the', 'a', 'of', 'to', 'and', 'with', 'for', 'is', 'on', 'in',
  'token', 'tool', 'trace', 'update', 'value', 'version', 'window', 'work', 'yes', 'zone',
];

/** Exactly `tokens` tokens of plain prose from `random` (words, commas, a closing period). */
export function generateText(tokens: number, random: () => number): string {
  const parts: string[] = [];
  let sinceComma = 0;
  for (let index = 0; index < tokens; index += 1) {
    const last = index === tokens - 1;
    if (last && tokens > 1) {
      parts.push('.');
    } else if (!last && index > 0 && sinceComma >= 5 && random() < 0.2 && index < tokens - 2) {
      parts.push(',');
      sinceComma = 0;
    } else {
      let word = WORDS[Math.floor(random() * WORDS.length)] ?? 'token';
      if (index === 0) word = word[0]?.toUpperCase() + word.slice(1);
      parts.push(word);
      sinceComma += 1;
    }
  }
  return parts.reduce((text, part) => (text === '' ? part : /^[.,]$/.test(part) ? text + part : `${text} ${part}`), '');
}
