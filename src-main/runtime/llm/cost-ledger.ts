/**
 * Cost attribution (seed 002 #12): totals for the agent (this runtime), per model, and per run
 * (trace id), kept exactly in picodollars. Per-run totals are bounded — the oldest runs are
 * forgotten first — because a long-lived runtime sees an unbounded number of trace ids.
 */
import { picoToUsd } from '../../../src-shared/pricing/price-table';
import type { LlmCallRecord } from '../contracts';

export interface CostTotals {
  requests: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
}

interface Tally {
  requests: number;
  inputTokens: number;
  outputTokens: number;
  costPico: bigint;
}

function emptyTally(): Tally {
  return { requests: 0, inputTokens: 0, outputTokens: 0, costPico: 0n };
}

function totals(tally: Tally): CostTotals {
  return { requests: tally.requests, inputTokens: tally.inputTokens, outputTokens: tally.outputTokens, costUsd: picoToUsd(tally.costPico) };
}

/** Running cost totals by agent, model and run. */
export class CostLedger {
  private readonly all = emptyTally();
  private readonly models = new Map<string, Tally>();
  private readonly traces = new Map<string, Tally>();

  constructor(private readonly maxTraces = 10_000) {}

  /**
   * Adds one metered call; `costPico` is its exact cost. `modelKey` groups it (the proxy passes
   * the matched price key, so dated snapshots add up under their family and the map stays small).
   */
  add(record: LlmCallRecord, costPico: bigint, modelKey: string = record.model): void {
    let model = this.models.get(modelKey);
    if (!model) this.models.set(modelKey, (model = emptyTally()));
    const tallies = [this.all, model];
    if (record.traceId !== undefined) {
      let trace = this.traces.get(record.traceId);
      if (trace) this.traces.delete(record.traceId);
      else trace = emptyTally();
      // Re-inserting keeps the map in last-used order, so the first key is the one to forget.
      this.traces.set(record.traceId, trace);
      if (this.traces.size > this.maxTraces) this.traces.delete(this.traces.keys().next().value as string);
      tallies.push(trace);
    }
    for (const tally of tallies) {
      tally.requests += 1;
      tally.inputTokens += record.usage.inputTokens;
      tally.outputTokens += record.usage.outputTokens;
      tally.costPico += costPico;
    }
  }

  /** Everything this runtime's agent spent. */
  total(): CostTotals {
    return totals(this.all);
  }

  /** Spend per model (price key when fed by the proxy: `gpt-4o-2024-08-06` counts under `gpt-4o`). */
  byModel(): Record<string, CostTotals> {
    return Object.fromEntries([...this.models].map(([model, tally]) => [model, totals(tally)]));
  }

  /** Spend of one run, while it is remembered. */
  forTrace(traceId: string): CostTotals | undefined {
    const tally = this.traces.get(traceId);
    return tally ? totals(tally) : undefined;
  }
}
