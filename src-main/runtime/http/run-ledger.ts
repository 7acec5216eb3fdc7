/**
 * Per-run LLM totals: the proxy emits an `llm_call` event per model call, tagged with the run's
 * trace id (the adapters put it on every call); this sums them for the run's `run_end` event and
 * response headers. Only runs in flight are tracked, so memory is bounded by concurrency.
 */
import type { LlmCallRecord } from '../contracts';
import type { EventStream, RunLedger, RunTotals } from './services';

/** A ledger fed by the event stream; call `dispose` to unsubscribe. */
export function createRunLedger(events: EventStream): RunLedger & { dispose(): void } {
  const active = new Map<string, RunTotals>();
  const unsubscribe = events.subscribe((event) => {
    if (event.type !== 'llm_call' || !event.traceId) return;
    const totals = active.get(event.traceId);
    if (!totals) return;
    const call = event.data as unknown as Partial<LlmCallRecord>;
    totals.inputTokens += call.usage?.inputTokens ?? 0;
    totals.outputTokens += call.usage?.outputTokens ?? 0;
    totals.costUsd += call.costUsd ?? 0;
    totals.llmCalls += 1;
  });
  return {
    begin(traceId) {
      active.set(traceId, { inputTokens: 0, outputTokens: 0, costUsd: 0, llmCalls: 0 });
    },
    end(traceId) {
      const totals = active.get(traceId) ?? { inputTokens: 0, outputTokens: 0, costUsd: 0, llmCalls: 0 };
      active.delete(traceId);
      return { ...totals, costUsd: Math.round(totals.costUsd * 1e9) / 1e9 };
    },
    dispose: unsubscribe,
  };
}
