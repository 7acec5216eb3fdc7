import { describe, expect, it } from 'vitest';
import { budgetStatus, emptyCounters, foldControlEvents, progressPerHour, spendPerUnit, totalProgress } from './control-fold';
import type { ControlEventInput } from './control-fold';

const at = (minute: number): string => new Date(Date.UTC(2025, 2, 10, 12, minute)).toISOString();
const event = (type: string, data: Record<string, unknown>, minute = 0, agent = 'lead-bot'): ControlEventInput => ({ agent, type, time: at(minute), data });

describe('foldControlEvents', () => {
  it('counts runs, spend by model, cache share, protection and progress from runtime events', () => {
    const counters = foldControlEvents(emptyCounters(), [
      event('run_end', { status: 'ok' }),
      event('run_end', { status: 'error', error: 'ToolDenied' }),
      event('llm_call', { model: 'gpt-4o-mini-2024-07-18', priceKey: 'gpt-4o-mini', costUsd: 0.002, usage: { inputTokens: 100, outputTokens: 20 }, cacheReadTokens: 40 }),
      event('llm_call', { model: 'claude-3-5-haiku', costUsd: 0.01, usage: { inputTokens: 50, outputTokens: 10 }, cacheReadTokens: 0 }),
      event('policy', { stage: 'pre_invoke', rule: 'pii.EMAIL', action: 'redacted', count: 2 }),
      event('policy', { kind: 'pii_audit', piiType: 'EMAIL', stage: 'pre_invoke' }),
      event('policy', { stage: 'pre_invoke', rule: 'safety.redact_patterns[0]', action: 'blocked', count: 1 }),
      event('policy', { stage: 'pre_invoke', rule: 'pii.PHONE', action: 'warned', count: 1 }),
      event('policy', { stage: 'in_invoke', rule: 'tools.allowed', action: 'denied', count: 1 }),
      event('policy', { stage: 'llm_output', rule: 'tool_gate', action: 'denied', count: 1 }),
      event('policy', { stage: 'pre_invoke', rule: 'safety.block_prompt_injection', action: 'blocked', count: 3 }),
      event('budget', { level: 'warning' }),
      event('budget', { level: 'blocked' }),
      event('progress', { done: 1, total: 100, unit: 'leads' }, 0),
      event('progress', { done: 23, total: 100, unit: 'leads' }, 30),
      event('log', { level: 'info', msg: 'ignored' }),
    ]);
    expect(counters).toMatchObject({ runs: 2, runsOk: 1, llmCalls: 2, inputTokens: 150, cachedInputTokens: 40, piiBlocked: 3, unauthorizedTools: 2, injectionAttempts: 1, budgetBlocked: 1 });
    expect(counters.spendUsd).toBeCloseTo(0.012, 10);
    expect(counters.byModel.map((entry) => [entry.model, entry.calls, entry.inputTokens, entry.outputTokens])).toEqual([
      ['claude-3-5-haiku', 1, 50, 10],
      ['gpt-4o-mini', 1, 100, 20],
    ]);
    expect(counters.progress['lead-bot']).toEqual({ done: 23, total: 100, unit: 'leads', at: at(30), firstDone: 1, firstAt: at(0) });
  });

  it('leaves its input untouched and returns it as is when nothing counts', () => {
    const start = foldControlEvents(emptyCounters(), [event('llm_call', { model: 'm', costUsd: 1, usage: { inputTokens: 1, outputTokens: 1 } })]);
    const frozen = JSON.stringify(start);
    const next = foldControlEvents(start, [event('llm_call', { model: 'm', costUsd: 2, usage: { inputTokens: 1, outputTokens: 1 } })]);
    expect(JSON.stringify(start)).toBe(frozen);
    expect(next.byModel[0]).toMatchObject({ calls: 2, costUsd: 3 });
    expect(foldControlEvents(start, [event('config', {}), event('progress', { done: 1, total: 0 })])).toBe(start);
  });
});

describe('derived figures', () => {
  it('sums progress across agents, with one unit only when they agree', () => {
    const one = foldControlEvents(emptyCounters(), [event('progress', { done: 23, total: 100, unit: 'leads' }), event('progress', { done: 7, total: 50, unit: 'leads' }, 0, 'other')]);
    expect(totalProgress(one)).toEqual({ done: 30, total: 150, unit: 'leads' });
    const mixed = foldControlEvents(one, [event('progress', { done: 1, total: 2, unit: 'pages' }, 0, 'third')]);
    expect(totalProgress(mixed)).toMatchObject({ unit: 'items' });
    expect(totalProgress(emptyCounters())).toBeNull();
  });

  it('rates progress per hour between the first and the latest report', () => {
    const counters = foldControlEvents(emptyCounters(), [event('progress', { done: 0, total: 100, unit: 'leads' }, 0), event('progress', { done: 53, total: 100, unit: 'leads' }, 15)]);
    expect(progressPerHour(counters)).toBeCloseTo(212, 6);
    expect(progressPerHour(foldControlEvents(emptyCounters(), [event('progress', { done: 5, total: 10 })]))).toBeNull();
  });

  it('prices a unit of progress when there is one, else a run', () => {
    const spent = foldControlEvents(emptyCounters(), [event('llm_call', { model: 'm', costUsd: 5.29, usage: {} }), event('run_end', { status: 'ok' }), event('run_end', { status: 'ok' })]);
    expect(spendPerUnit(spent)).toEqual({ usd: 2.645, per: 'run', unit: 'run' });
    const leads = foldControlEvents(spent, [event('progress', { done: 23, total: 100, unit: 'leads' })]);
    expect(spendPerUnit(leads)).toEqual({ usd: 0.23, per: 'unit', unit: 'leads' });
    expect(spendPerUnit(emptyCounters())).toBeNull();
  });

  it('says whether the budget is on track, at risk or over', () => {
    expect(budgetStatus(5.29, 50, 20)).toBe('on_track');
    expect(budgetStatus(5.29, 50, 80)).toBe('at_risk');
    expect(budgetStatus(45, 50, 45)).toBe('at_risk');
    expect(budgetStatus(50, 50, 50)).toBe('over');
    expect(budgetStatus(5, null, 80)).toBe('no_limit');
  });
});
