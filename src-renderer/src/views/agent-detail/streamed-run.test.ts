import { describe, expect, it } from 'vitest';
import type { PlaygroundStreamEvent } from '../../../../src-shared/ipc/console-types';
import { applyRunEvent, describePolicy, describeUsage, endRun, formatRunCost, startedRun } from './streamed-run';

const fold = (events: PlaygroundStreamEvent[]) => events.reduce(applyRunEvent, startedRun());

describe('applyRunEvent', () => {
  it('joins consecutive tokens and puts tool and policy events inline where they happened', () => {
    const run = fold([
      { type: 'start', traceId: 't-1', agent: 'a', version: 'v2' },
      { type: 'token', text: 'Hel' },
      { type: 'token', text: 'lo ' },
      { type: 'tool', phase: 'denied', name: 'shell', callId: 'c1', reason: 'not allowed' },
      { type: 'token', text: 'world' },
      { type: 'token', text: '' },
      { type: 'policy', stage: 'post_invoke', rule: 'safety.redact_patterns[0]', action: 'redacted', count: 2 },
    ]);
    expect(run).toMatchObject({ status: 'running', traceId: 't-1', version: 'v2', policyEvents: 1 });
    expect(run.transcript).toEqual([
      { kind: 'text', text: 'Hello ' },
      { kind: 'tool', phase: 'denied', name: 'shell', reason: 'not allowed' },
      { kind: 'text', text: 'world' },
      { kind: 'policy', stage: 'post_invoke', rule: 'safety.redact_patterns[0]', action: 'redacted', count: 2 },
    ]);
  });

  it('finishes with the output, usage and both durations', () => {
    const usage = { inputTokens: 4, outputTokens: 41, costUsd: 0.0000252, llmCalls: 1 };
    const run = fold([
      { type: 'token', text: 'x' },
      { type: 'end', output: { reply: 'x' }, usage, latencyMs: 73, durationMs: 141 },
    ]);
    expect(run).toMatchObject({ status: 'done', output: { reply: 'x' }, usage, latencyMs: 73, durationMs: 141 });
  });

  it("keeps the runtime's error", () => {
    const run = fold([{ type: 'error', status: 200, error: 'ValidationError', code: 422, detail: 'text is required', durationMs: 9 }]);
    expect(run).toMatchObject({ status: 'failed', durationMs: 9, error: { status: 200, error: 'ValidationError', code: 422, detail: 'text is required' } });
  });
});

describe('endRun', () => {
  it('marks a run whose end never came as stopped (by the user) or lost, and leaves finished runs alone', () => {
    expect(endRun(startedRun(), 'stopped').status).toBe('stopped');
    expect(endRun(startedRun(), 'ended').status).toBe('lost');
    const done = fold([{ type: 'end', output: null, usage: null, latencyMs: null, durationMs: 1 }]);
    expect(endRun(done, 'stopped')).toBe(done);
  });
});

describe('describeUsage and describePolicy', () => {
  it('says what the run used', () => {
    expect(describeUsage(null)).toBe('usage not reported');
    expect(describeUsage({ inputTokens: 0, outputTokens: 0, costUsd: 0, llmCalls: 0 })).toBe('no model calls');
    expect(describeUsage({ inputTokens: 12, outputTokens: 40, costUsd: 0.01, llmCalls: 2 })).toBe('12 in · 40 out tokens · 2 calls');
  });

  it('says which rule acted, where', () => {
    expect(describePolicy({ kind: 'policy', stage: 'post_invoke', rule: 'safety.redact_patterns[0]', action: 'redacted', count: 1 })).toBe('redacted by safety.redact_patterns[0] (post_invoke)');
    expect(describePolicy({ kind: 'policy', stage: 'llm_output', rule: 'pii', action: 'redacted', count: 3 })).toBe('redacted by pii (llm_output, 3)');
  });
});

describe('formatRunCost', () => {
  it('keeps two significant digits below a cent', () => {
    expect(formatRunCost(0)).toBe('$0');
    expect(formatRunCost(0.0000252)).toBe('$0.000025');
    expect(formatRunCost(0.005)).toBe('$0.0050');
    expect(formatRunCost(0.0421)).toBe('$0.0421');
    expect(formatRunCost(3.5)).toBe('$3.50');
  });
});
