import { describe, expect, it } from 'vitest';
import { formatUsd } from './format-usd';
import { costPicoUsd, costUsd, lookupPrice, normalizeModelId, picoToUsd, PRICE_TABLE, priceFor, usdToPico } from './price-table';

describe('price table', () => {
  it('carries the published per-1M figures', () => {
    expect(priceFor('gpt-4o')).toMatchObject({ input: 2.5, output: 10 });
    expect(priceFor('gpt-4o-mini')).toMatchObject({ input: 0.15, output: 0.6 });
    expect(priceFor('claude-haiku-4-5')).toMatchObject({ input: 1, output: 5 });
    expect(priceFor('claude-sonnet-4-5')).toMatchObject({ input: 3, output: 15 });
    expect(priceFor('claude-opus-4')).toMatchObject({ input: 15, output: 75 });
  });

  it('prices dated snapshots and aliases as their family', () => {
    expect(normalizeModelId('gpt-4o-2024-08-06')).toBe('gpt-4o');
    expect(normalizeModelId('claude-3-5-haiku-20241022')).toBe('claude-3-5-haiku');
    expect(normalizeModelId('claude-3-7-sonnet-latest')).toBe('claude-3-7-sonnet');
    expect(normalizeModelId('gpt-4-0613')).toBe('gpt-4');
    expect(priceFor('gpt-4o-mini-2024-07-18')).toBe(PRICE_TABLE['gpt-4o-mini']);
    expect(priceFor('claude-haiku-4-5-20251001')).toBe(PRICE_TABLE['claude-haiku-4-5']);
  });

  it('does not guess a price for a model it does not know', () => {
    expect(priceFor('gpt-4o-audio-preview')).toBeUndefined();
    expect(priceFor('my-local-llama')).toBeUndefined();
    expect(priceFor('constructor')).toBeUndefined();
  });

  it('lets overrides win, for the exact and the dated id', () => {
    const overrides = { 'gpt-4o': { input: 1, output: 2 }, 'my-local-llama': { input: 0, output: 0.1 } };
    expect(lookupPrice('gpt-4o-2024-08-06', overrides)).toEqual({ key: 'gpt-4o', price: { input: 1, output: 2 }, source: 'override' });
    expect(lookupPrice('my-local-llama', overrides)?.source).toBe('override');
    expect(lookupPrice('gpt-4o-mini', overrides)?.source).toBe('table');
  });

  it('computes costs exactly, including amounts floating point dollars get wrong', () => {
    const gpt4o = PRICE_TABLE['gpt-4o']!;
    expect(costUsd({ inputTokens: 1000, outputTokens: 500 }, gpt4o)).toBe(0.0075);
    const mini = PRICE_TABLE['gpt-4o-mini']!;
    // 0.15 × 7 / 1e6 in floating point is 1.0499999999999999e-6.
    expect(costPicoUsd({ inputTokens: 7, outputTokens: 0 }, mini)).toBe(1_050_000n);
    expect(costUsd({ inputTokens: 7, outputTokens: 0 }, mini)).toBe(0.00000105);
    let sum = 0n;
    for (let call = 0; call < 1000; call += 1) sum += costPicoUsd({ inputTokens: 1, outputTokens: 1 }, mini);
    expect(picoToUsd(sum)).toBe(0.00075);
  });

  it('prices cache reads and writes at their own rates', () => {
    const haiku = PRICE_TABLE['claude-haiku-4-5']!;
    // 1000 uncached × $1 + 2000 read × $0.10 + 400 written × $1.25 + 100 out × $5, per 1M.
    const usage = { inputTokens: 3400, outputTokens: 100, cacheReadTokens: 2000, cacheWriteTokens: 400 };
    expect(costPicoUsd(usage, haiku)).toBe(1000n * 1_000_000n + 2000n * 100_000n + 400n * 1_250_000n + 100n * 5_000_000n);
    expect(costUsd({ inputTokens: 100, outputTokens: 0, cacheReadTokens: 100 }, { input: 2, output: 4 })).toBe(0.0002);
  });

  it('converts between dollars and picodollars without losing cents on large sums', () => {
    expect(usdToPico(50)).toBe(50_000_000_000_000n);
    expect(usdToPico(0.1)).toBe(100_000_000_000n);
    expect(picoToUsd(usdToPico(123456.789))).toBe(123456.789);
  });
});

describe('formatUsd', () => {
  it('shows cents for dollars and enough digits for cheap calls', () => {
    expect(formatUsd(50)).toBe('$50.00');
    expect(formatUsd(5.289)).toBe('$5.29');
    expect(formatUsd(0.0075)).toBe('$0.0075');
    expect(formatUsd(0.000135)).toBe('$0.000135');
    expect(formatUsd(0.5)).toBe('$0.50');
    expect(formatUsd(0.554534)).toBe('$0.555');
    expect(formatUsd(0.002441)).toBe('$0.00244');
    expect(formatUsd(20_423_956.391)).toBe('$20,423,956.39');
    expect(formatUsd(-1234.5)).toBe('-$1,234.50');
    expect(formatUsd(0)).toBe('$0.00');
  });
});
