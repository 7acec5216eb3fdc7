/**
 * The playground's view of one streamed run, folded from `agents:invoke-stream` events: the text
 * as it arrives with tool and policy events inline where they happened, then the output and what
 * the run cost, or the runtime's error. Pure, so the tests pin it.
 */
import type { PlaygroundStreamEvent, RunUsage } from '../../../../src-shared/ipc/console-types';

/** One piece of the live transcript: consecutive tokens are one text item. */
export type TranscriptItem =
  | { kind: 'text'; text: string }
  | { kind: 'tool'; phase: 'start' | 'end' | 'denied'; name: string; reason?: string }
  | { kind: 'policy'; stage: string; rule: string; action: string; count: number };

export interface StreamedRun {
  /** `stopped`: the user stopped it; `lost`: the console stream ended without the run's end. */
  status: 'running' | 'done' | 'failed' | 'stopped' | 'lost';
  traceId: string | null;
  version: string | null;
  transcript: TranscriptItem[];
  output?: unknown;
  usage: RunUsage | null;
  latencyMs: number | null;
  durationMs: number | null;
  error?: { status: number; error: string; code: number | null; detail: string };
  policyEvents: number;
}

export const startedRun = (): StreamedRun => ({ status: 'running', traceId: null, version: null, transcript: [], usage: null, latencyMs: null, durationMs: null, policyEvents: 0 });

/** The run after one more event. */
export function applyRunEvent(run: StreamedRun, event: PlaygroundStreamEvent): StreamedRun {
  switch (event.type) {
    case 'start':
      return { ...run, traceId: event.traceId, version: event.version };
    case 'token': {
      if (!event.text) return run;
      const last = run.transcript.at(-1);
      const transcript = last?.kind === 'text' ? [...run.transcript.slice(0, -1), { kind: 'text' as const, text: last.text + event.text }] : [...run.transcript, { kind: 'text' as const, text: event.text }];
      return { ...run, transcript };
    }
    case 'tool':
      return { ...run, transcript: [...run.transcript, { kind: 'tool', phase: event.phase, name: event.name, ...(event.reason ? { reason: event.reason } : {}) }] };
    case 'policy':
      return { ...run, policyEvents: run.policyEvents + 1, transcript: [...run.transcript, { kind: 'policy', stage: event.stage, rule: event.rule, action: event.action, count: event.count }] };
    case 'end':
      return { ...run, status: 'done', output: event.output, usage: event.usage, latencyMs: event.latencyMs, durationMs: event.durationMs };
    case 'error':
      return { ...run, status: 'failed', durationMs: event.durationMs, error: { status: event.status, error: event.error, code: event.code, detail: event.detail } };
  }
}

/** The run when its stream ended: still `running` means the run's own end never came. */
export function endRun(run: StreamedRun, reason: 'ended' | 'stopped'): StreamedRun {
  if (run.status !== 'running') return run;
  return { ...run, status: reason === 'stopped' ? 'stopped' : 'lost' };
}

/** `12 in · 40 out tokens`; `no model calls` when the run made none. */
export function describeUsage(usage: RunUsage | null): string {
  if (!usage) return 'usage not reported';
  if (usage.llmCalls === 0) return 'no model calls';
  return `${usage.inputTokens} in · ${usage.outputTokens} out tokens · ${usage.llmCalls} ${usage.llmCalls === 1 ? 'call' : 'calls'}`;
}

/** `redacted by safety.redact_patterns[0] (post_invoke, 1)`. */
export function describePolicy(item: Extract<TranscriptItem, { kind: 'policy' }>): string {
  return `${item.action} by ${item.rule} (${item.stage}${item.count > 1 ? `, ${item.count}` : ''})`;
}

/** A run's cost with two significant digits below a cent (`$0.000025`): one simulated call costs millionths. */
export function formatRunCost(usd: number): string {
  if (!Number.isFinite(usd) || usd <= 0) return '$0';
  if (usd >= 0.01) return `$${usd.toFixed(usd < 1 ? 4 : 2)}`;
  return `$${usd.toFixed(Math.min(10, Math.ceil(-Math.log10(usd)) + 1))}`;
}
