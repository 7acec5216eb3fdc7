/**
 * The bundled LLM price table and exact cost arithmetic, shared by the runtime's proxy (which
 * meters and enforces budgets) and the console (which shows the same figures). Platform-free.
 *
 * Every price is USD per 1,000,000 tokens, the unit both providers publish. Costs are computed in
 * integer picodollars (1e-12 USD): a per-1M price times 1e6 is the price of one token in
 * picodollars, so `tokens × price` is an exact integer and sums never drift the way floating-point
 * dollars do. Prices finer than 1e-6 USD per 1M tokens are rounded to that grain.
 */

/** USD per 1M tokens for one model. */
export interface ModelPrice {
  /** Uncached input (prompt) tokens. */
  input: number;
  /** Output (completion) tokens, reasoning tokens included. */
  output: number;
  /** Input tokens served from the provider's prompt cache; defaults to `input`. */
  cachedInput?: number;
  /** Input tokens written to the prompt cache (Anthropic, 5-minute TTL); defaults to `input`. */
  cacheWrite?: number;
  /** The model's largest possible completion, used for the worst-case budget reservation. */
  maxOutputTokens?: number;
}

export interface PriceTableEntry extends ModelPrice {
  provider: 'openai' | 'anthropic';
}

/** Model id → price, as set in the runtime settings (`prices`); wins over the bundled table. */
export type PriceOverrides = Readonly<Record<string, ModelPrice>>;

/** The day the bundled figures were last checked against the providers' public price pages. */
export const PRICE_TABLE_AS_OF = '2025-11-25';

/**
 * Standard (non-batch, ≤200k-context) list prices from openai.com/api/pricing and
 * docs.anthropic.com/en/docs/about-claude/pricing. Anthropic cache reads cost 0.1× input and
 * 5-minute cache writes 1.25× input; OpenAI charges nothing extra to write its cache.
 */
export const PRICE_TABLE: Readonly<Record<string, PriceTableEntry>> = {
  'gpt-5': { provider: 'openai', input: 1.25, output: 10, cachedInput: 0.125, maxOutputTokens: 128_000 },
  'gpt-5-mini': { provider: 'openai', input: 0.25, output: 2, cachedInput: 0.025, maxOutputTokens: 128_000 },
  'gpt-5-nano': { provider: 'openai', input: 0.05, output: 0.4, cachedInput: 0.005, maxOutputTokens: 128_000 },
  'gpt-4.1': { provider: 'openai', input: 2, output: 8, cachedInput: 0.5, maxOutputTokens: 32_768 },
  'gpt-4.1-mini': { provider: 'openai', input: 0.4, output: 1.6, cachedInput: 0.1, maxOutputTokens: 32_768 },
  'gpt-4.1-nano': { provider: 'openai', input: 0.1, output: 0.4, cachedInput: 0.025, maxOutputTokens: 32_768 },
  'gpt-4o': { provider: 'openai', input: 2.5, output: 10, cachedInput: 1.25, maxOutputTokens: 16_384 },
  'gpt-4o-mini': { provider: 'openai', input: 0.15, output: 0.6, cachedInput: 0.075, maxOutputTokens: 16_384 },
  o3: { provider: 'openai', input: 2, output: 8, cachedInput: 0.5, maxOutputTokens: 100_000 },
  'o3-mini': { provider: 'openai', input: 1.1, output: 4.4, cachedInput: 0.55, maxOutputTokens: 100_000 },
  'o4-mini': { provider: 'openai', input: 1.1, output: 4.4, cachedInput: 0.275, maxOutputTokens: 100_000 },
  o1: { provider: 'openai', input: 15, output: 60, cachedInput: 7.5, maxOutputTokens: 100_000 },
  'gpt-4-turbo': { provider: 'openai', input: 10, output: 30, maxOutputTokens: 4_096 },
  'gpt-4': { provider: 'openai', input: 30, output: 60, maxOutputTokens: 8_192 },
  'gpt-3.5-turbo': { provider: 'openai', input: 0.5, output: 1.5, maxOutputTokens: 4_096 },

  'claude-opus-4-5': { provider: 'anthropic', input: 5, output: 25, cachedInput: 0.5, cacheWrite: 6.25, maxOutputTokens: 64_000 },
  'claude-opus-4-1': { provider: 'anthropic', input: 15, output: 75, cachedInput: 1.5, cacheWrite: 18.75, maxOutputTokens: 32_000 },
  'claude-opus-4': { provider: 'anthropic', input: 15, output: 75, cachedInput: 1.5, cacheWrite: 18.75, maxOutputTokens: 32_000 },
  'claude-sonnet-4-5': { provider: 'anthropic', input: 3, output: 15, cachedInput: 0.3, cacheWrite: 3.75, maxOutputTokens: 64_000 },
  'claude-sonnet-4': { provider: 'anthropic', input: 3, output: 15, cachedInput: 0.3, cacheWrite: 3.75, maxOutputTokens: 64_000 },
  'claude-3-7-sonnet': { provider: 'anthropic', input: 3, output: 15, cachedInput: 0.3, cacheWrite: 3.75, maxOutputTokens: 64_000 },
  'claude-3-5-sonnet': { provider: 'anthropic', input: 3, output: 15, cachedInput: 0.3, cacheWrite: 3.75, maxOutputTokens: 8_192 },
  'claude-haiku-4-5': { provider: 'anthropic', input: 1, output: 5, cachedInput: 0.1, cacheWrite: 1.25, maxOutputTokens: 64_000 },
  'claude-3-5-haiku': { provider: 'anthropic', input: 0.8, output: 4, cachedInput: 0.08, cacheWrite: 1, maxOutputTokens: 8_192 },
  'claude-3-opus': { provider: 'anthropic', input: 15, output: 75, cachedInput: 1.5, cacheWrite: 18.75, maxOutputTokens: 4_096 },
  'claude-3-haiku': { provider: 'anthropic', input: 0.25, output: 1.25, cachedInput: 0.03, cacheWrite: 0.3, maxOutputTokens: 4_096 },
};

// A dated snapshot shares its family's price: OpenAI dates as `-2024-08-06` (older ones as
// `-0613`), Anthropic as `-20241022`; a `-latest` alias names the same model. No prefix matching beyond
// that: `gpt-4o-audio-preview` is priced differently from `gpt-4o`, and a wrong price is worse
// than a clear error.
const SNAPSHOT_SUFFIX = /-(?:\d{4}-\d{2}-\d{2}|\d{8}|\d{4}|latest)$/;

/** The id a dated or aliased model id is priced under (`gpt-4o-2024-08-06` → `gpt-4o`). */
export function normalizeModelId(model: string): string {
  let id = model.trim().toLowerCase();
  while (SNAPSHOT_SUFFIX.test(id)) id = id.replace(SNAPSHOT_SUFFIX, '');
  return id;
}

export interface PriceMatch {
  /** The table or override key that matched. */
  key: string;
  price: ModelPrice;
  source: 'override' | 'table';
}

/** Finds a model's price: exact override, exact table entry, then the same two for its normalized id. */
export function lookupPrice(model: string, overrides: PriceOverrides = {}): PriceMatch | undefined {
  const normalized = normalizeModelId(model);
  for (const id of normalized === model ? [model] : [model, normalized]) {
    const override = Object.hasOwn(overrides, id) ? overrides[id] : undefined;
    if (override) return { key: id, price: override, source: 'override' };
    const entry = Object.hasOwn(PRICE_TABLE, id) ? PRICE_TABLE[id] : undefined;
    if (entry) return { key: id, price: entry, source: 'table' };
  }
  return undefined;
}

/** A model's price per 1M tokens, or undefined when neither the overrides nor the table know it. */
export function priceFor(model: string, overrides: PriceOverrides = {}): ModelPrice | undefined {
  return lookupPrice(model, overrides)?.price;
}

/** Token counts to price. `cacheReadTokens` and `cacheWriteTokens` are parts of `inputTokens`. */
export interface PricedUsage {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens?: number;
  cacheWriteTokens?: number;
}

const PICO_PER_USD = 1_000_000_000_000n;

/** Picodollars per token for a USD-per-1M-tokens price. */
function picoPerToken(usdPerMillion: number): bigint {
  return BigInt(Math.round(usdPerMillion * 1_000_000));
}

function tokens(count: number | undefined): bigint {
  return BigInt(Math.max(0, Math.trunc(count ?? 0)));
}

/** The exact cost of `usage` in picodollars (1e-12 USD). */
export function costPicoUsd(usage: PricedUsage, price: ModelPrice): bigint {
  const cacheRead = tokens(usage.cacheReadTokens);
  const cacheWrite = tokens(usage.cacheWriteTokens);
  let uncached = tokens(usage.inputTokens) - cacheRead - cacheWrite;
  if (uncached < 0n) uncached = 0n;
  return (
    uncached * picoPerToken(price.input) +
    cacheRead * picoPerToken(price.cachedInput ?? price.input) +
    cacheWrite * picoPerToken(price.cacheWrite ?? price.input) +
    tokens(usage.outputTokens) * picoPerToken(price.output)
  );
}

/** Picodollars → USD, splitting whole dollars from the fraction so large sums keep their cents. */
export function picoToUsd(pico: bigint): number {
  return Number(pico / PICO_PER_USD) + Number(pico % PICO_PER_USD) / 1e12;
}

/** USD → picodollars, rounded to the nearest picodollar. */
export function usdToPico(usd: number): bigint {
  const whole = Math.trunc(usd);
  return BigInt(whole) * PICO_PER_USD + BigInt(Math.round((usd - whole) * 1e12));
}

/** The cost of `usage` in USD, exact to 1e-12. */
export function costUsd(usage: PricedUsage, price: ModelPrice): number {
  return picoToUsd(costPicoUsd(usage, price));
}
