/**
 * The control panel's counters from runtime telemetry events, and the figures derived from them.
 * One fold for both sides: main folds the stored events of the period into `control:snapshot`,
 * and the renderer folds each live `telemetry:events` event into the cached snapshot, so the two
 * can never count differently.
 *
 * What counts, from what the runtime emits (src-main/runtime: policy/, llm/, http/run-pipeline.ts,
 * telemetry/progress.ts):
 * - `run_end`: a finished run; `status: ok` is a success.
 * - `llm_call`: a priced model call (`costUsd`, `usage`, `cacheReadTokens`, model by its price key).
 * - `policy` (not the per-value `kind: pii_audit` records, whose finding is already counted):
 *   PII rules (`pii.*`, `safety.redact_patterns[i]`) redacted or refused count their values;
 *   `safety.block_prompt_injection` counts one attempt per event; `denied` (`tools.allowed` in the
 *   adapter's gate, `tool_gate` in the LLM proxy) counts the tool calls.
 * - `budget` with `level: blocked`: a model call the budget refused.
 * - `progress`: the agent's latest `{done, total, unit}` (already checked by the runtime).
 */
import type { AgentProgress, BudgetStatus, ControlCounters, ModelSpend } from './control-types';

/** The parts of an event the fold reads (a LiveEvent, or a stored event with its agent's name). */
export interface ControlEventInput {
  agent: string;
  type: string;
  time: string;
  data: Record<string, unknown>;
}

/** Event types that change the counters (main reads only these from the store). */
export const CONTROL_EVENT_TYPES = ['run_end', 'llm_call', 'policy', 'budget', 'progress'] as const;

/** Counters with nothing counted yet. */
export function emptyCounters(): ControlCounters {
  return { runs: 0, runsOk: 0, llmCalls: 0, spendUsd: 0, byModel: [], inputTokens: 0, cachedInputTokens: 0, piiBlocked: 0, unauthorizedTools: 0, injectionAttempts: 0, budgetBlocked: 0, progress: {} };
}

/** New counters with `events` added (the input is not changed: safe on cached query data). */
export function foldControlEvents(counters: ControlCounters, events: Iterable<ControlEventInput>): ControlCounters {
  const next: ControlCounters = { ...counters, byModel: counters.byModel.map((entry) => ({ ...entry })), progress: { ...counters.progress } };
  let changed = false;
  for (const event of events) changed = addEvent(next, event) || changed;
  if (!changed) return counters;
  next.byModel.sort((a, b) => b.costUsd - a.costUsd || a.model.localeCompare(b.model));
  return next;
}

/** Whether an event changes the counters (the renderer skips the cache write for the rest). */
export function countsForControl(event: Pick<ControlEventInput, 'type'>): boolean {
  return (CONTROL_EVENT_TYPES as readonly string[]).includes(event.type);
}

function addEvent(counters: ControlCounters, event: ControlEventInput): boolean {
  const data = event.data;
  switch (event.type) {
    case 'run_end':
      counters.runs += 1;
      if (data.status === 'ok') counters.runsOk += 1;
      return true;
    case 'llm_call': {
      const cost = amount(data.costUsd);
      const usage = (typeof data.usage === 'object' && data.usage !== null ? data.usage : {}) as Record<string, unknown>;
      const input = amount(usage.inputTokens);
      const output = amount(usage.outputTokens);
      const model = text(data.priceKey) ?? text(data.model) ?? 'unknown';
      counters.llmCalls += 1;
      counters.spendUsd += cost;
      counters.inputTokens += input;
      counters.cachedInputTokens += Math.min(input, amount(data.cacheReadTokens));
      let entry: ModelSpend | undefined = counters.byModel.find((candidate) => candidate.model === model);
      if (!entry) {
        entry = { model, calls: 0, inputTokens: 0, outputTokens: 0, costUsd: 0 };
        counters.byModel.push(entry);
      }
      entry.calls += 1;
      entry.inputTokens += input;
      entry.outputTokens += output;
      entry.costUsd += cost;
      return true;
    }
    case 'policy': {
      const finding = policyFinding(data);
      if (!finding) return false;
      const { rule, count } = finding;
      if (rule === 'safety.block_prompt_injection') counters.injectionAttempts += 1;
      else if (data.action === 'denied') counters.unauthorizedTools += count;
      else if (isPiiKeptOut(data)) counters.piiBlocked += count;
      else return false;
      return true;
    }
    case 'budget':
      if (data.level !== 'blocked') return false;
      counters.budgetBlocked += 1;
      return true;
    case 'progress': {
      const { done, total } = data;
      if (typeof done !== 'number' || typeof total !== 'number' || !(total > 0)) return false;
      const previous = counters.progress[event.agent];
      const progress: AgentProgress = { done, total, unit: text(data.unit) ?? 'items', at: event.time, firstDone: previous?.firstDone ?? done, firstAt: previous?.firstAt ?? event.time };
      counters.progress[event.agent] = progress;
      return true;
    }
    default:
      return false;
  }
}

/** A `policy` event's finding (its rule and how many values or calls it counts), or undefined for the per-value `pii_audit` records, whose finding is already counted. */
export function policyFinding(data: Record<string, unknown>): { rule: string; count: number } | undefined {
  const rule = text(data.rule);
  if (data.kind === 'pii_audit' || rule === undefined) return undefined;
  return { rule, count: findingCount(data.count) };
}

/** An event's `count` field as a whole number of at least 1 (a finding counts once when it says nothing). */
export function findingCount(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 1 ? Math.floor(value) : 1;
}

/** A runtime policy rule about personal data: a built-in PII detector (`pii.*`) or a custom pattern (`safety.redact_patterns[i]`). */
export function isPiiRule(rule: string): boolean {
  return rule.startsWith('pii.') || rule.startsWith('safety.redact_patterns');
}

/** A `policy` event's data reports personal data kept out of a run: a PII rule that redacted or refused (not the per-value audit records). */
export function isPiiKeptOut(data: Record<string, unknown>): boolean {
  const rule = data.rule;
  return data.kind !== 'pii_audit' && typeof rule === 'string' && isPiiRule(rule) && (data.action === 'redacted' || data.action === 'blocked');
}

function amount(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : 0;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** The fleet's (or one agent's) progress summed: one unit when all agents report the same one, else `items`. */
export function totalProgress(counters: Pick<ControlCounters, 'progress'>): { done: number; total: number; unit: string } | null {
  const entries = Object.values(counters.progress);
  if (entries.length === 0) return null;
  const units = new Set(entries.map((entry) => entry.unit));
  return {
    done: entries.reduce((sum, entry) => sum + entry.done, 0),
    total: entries.reduce((sum, entry) => sum + entry.total, 0),
    unit: units.size === 1 ? entries[0]!.unit : 'items',
  };
}

/** Units per hour between each agent's first and latest report of the period, summed; null until an agent reported twice apart in time. */
export function progressPerHour(counters: Pick<ControlCounters, 'progress'>): number | null {
  let rate: number | null = null;
  for (const entry of Object.values(counters.progress)) {
    const hours = (Date.parse(entry.at) - Date.parse(entry.firstAt)) / 3_600_000;
    if (!(hours > 0)) continue;
    rate = (rate ?? 0) + Math.max(0, entry.done - entry.firstDone) / hours;
  }
  return rate;
}

/** Spend per progress unit done when the agents report progress, else per run; null before either. */
export function spendPerUnit(counters: ControlCounters): { usd: number; per: 'unit' | 'run'; unit: string } | null {
  const progress = totalProgress(counters);
  if (progress && progress.done > 0) return { usd: counters.spendUsd / progress.done, per: 'unit', unit: progress.unit };
  if (counters.runs > 0) return { usd: counters.spendUsd / counters.runs, per: 'run', unit: 'run' };
  return null;
}

/**
 * Over when the spend reached the limit, at risk when the month-end projection exceeds it or the
 * spend is past the warning threshold (90 %, the runtime's), on track otherwise.
 */
export function budgetStatus(spendUsd: number, limitUsd: number | null, projectedMonthUsd: number, warnRatio = 0.9): BudgetStatus {
  if (limitUsd === null) return 'no_limit';
  if (spendUsd >= limitUsd) return 'over';
  if (spendUsd >= limitUsd * warnRatio || projectedMonthUsd > limitUsd) return 'at_risk';
  return 'on_track';
}
