import { describe, expect, it } from 'vitest';
import type { LlmCallRecord } from '../contracts';
import { CostLedger } from './cost-ledger';

function record(model: string, traceId?: string): LlmCallRecord {
  const base: LlmCallRecord = { provider: 'openai', model, usage: { inputTokens: 10, outputTokens: 5 }, costUsd: 0, latencyMs: 1, stream: false, simulated: true, status: 'ok' };
  return traceId === undefined ? base : { ...base, traceId };
}

describe('CostLedger', () => {
  it('totals spend per agent, per model and per run, exactly', () => {
    const ledger = new CostLedger();
    ledger.add(record('gpt-4o-2024-08-06', 'run-1'), 7_500_000_000n, 'gpt-4o');
    ledger.add(record('gpt-4o', 'run-1'), 1n, 'gpt-4o');
    ledger.add(record('gpt-4o-mini', 'run-2'), 2_000_000n);
    expect(ledger.total()).toEqual({ requests: 3, inputTokens: 30, outputTokens: 15, costUsd: 0.007500000001 + 0.000002 });
    expect(ledger.byModel()).toEqual({
      'gpt-4o': { requests: 2, inputTokens: 20, outputTokens: 10, costUsd: 0.007500000001 },
      'gpt-4o-mini': { requests: 1, inputTokens: 10, outputTokens: 5, costUsd: 0.000002 },
    });
    expect(ledger.forTrace('run-1')?.requests).toBe(2);
  });

  it('forgets the least recently used runs past its bound', () => {
    const ledger = new CostLedger(2);
    ledger.add(record('m', 'a'), 1n);
    ledger.add(record('m', 'b'), 1n);
    ledger.add(record('m', 'a'), 1n);
    ledger.add(record('m', 'c'), 1n);
    expect(ledger.forTrace('b')).toBeUndefined();
    expect(ledger.forTrace('a')?.requests).toBe(2);
    expect(ledger.forTrace('c')?.requests).toBe(1);
  });
});
