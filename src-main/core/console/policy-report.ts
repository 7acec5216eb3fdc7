/**
 * The Policies tab's content: a version's rules read from its frozen Dockfile spec as sentences,
 * and the violations its runtimes reported, classified and counted per hour.
 *
 * What counts as a violation, from what the runtime emits (src-main/runtime/policy, llm/budget.ts):
 * - `policy` events (`{stage, rule, action, count}`): PII findings (`pii.EMAIL`,
 *   `safety.redact_patterns[0]`), prompt injection, tool denials (`tools.allowed` in the adapter's
 *   gate, `tool_gate` in the LLM proxy), output size, inspection limits. The PII audit records
 *   that travel as `policy` events too (`kind: pii_audit`, one per value) are not counted: the
 *   finding they belong to already is.
 * - `budget` events with `level: blocked`: a model call refused by the budget.
 * - `auth` events, should a runtime send them (the current one refuses credentials and rate limits
 *   with an HTTP status only).
 * `tool` events with `phase: denied` are left out: each comes with the `policy` event above.
 * A `policy` event's finding and its PII rules are read as the control panel's fold reads them
 * (src-shared/ipc/control-fold.ts), so the Policies tab and the panel count alike.
 */
import { findingCount, isPiiRule, policyFinding } from '../../../src-shared/ipc/control-fold';
import type { AgentPolicies, PolicyCategory, PolicyRule, PolicyViolation, ViolationBucket } from '../../../src-shared/ipc/console-types';
import type { DockSpec } from '../../../src-shared/dockfile/types';
import { DEFAULT_WALK_LIMITS } from '../../runtime/policy/json-strings';
import { BUILT_IN_DETECTORS } from '../../runtime/policy/pii-detectors';
import type { StoredTelemetryEvent } from '../store/telemetry-repository';
import type { AgentBudget } from '../telemetry/metrics-scraper';

/** Telemetry event types that can carry a violation. */
export const VIOLATION_EVENT_TYPES = ['policy', 'budget', 'auth'] as const;

const HOUR_MS = 3_600_000;

/** The rules of `spec` as the runtime enforces them (defaults applied as the runtime applies them). */
export function policyRules(spec: DockSpec, budget: AgentBudget): Omit<PolicyRule, 'violations'>[] {
  const safety = spec.policies?.safety ?? {};
  const tools = spec.policies?.tools ?? {};
  const halt = safety.halt_on_violation === true;
  const injection = safety.block_prompt_injection ?? true;
  const patterns = safety.redact_patterns ?? [];
  const allowed = tools.allowed ?? [];
  const denyByDefault = tools.deny_by_default ?? true;
  const maxOutput = safety.max_output_chars;
  const rateLimits = Object.entries(spec.auth.rate_limits ?? {});
  const piiTypes = [...new Set(BUILT_IN_DETECTORS.map((detector) => detector.type))];
  const credentials = [spec.auth.mode === 'api_key' ? 'API keys' : spec.auth.mode === 'jwt' ? 'JWT (HS256)' : 'OAuth 2 tokens', ...(spec.auth.mode !== 'api_key' && spec.auth.api_keys?.enabled ? ['API keys'] : [])];
  return [
    {
      id: 'safety.block_prompt_injection',
      category: 'injection',
      title: 'Prompt-injection check',
      enabled: injection,
      detail: injection ? 'Inputs that look like prompt injection are refused with 403 PromptInjection before the agent runs.' : 'Off: inputs are not checked for prompt injection.',
    },
    {
      id: 'pii',
      category: 'pii',
      title: 'PII redaction',
      enabled: true,
      detail: halt
        ? 'Inputs and outputs that contain personal data are refused with 403 PolicyViolation (halt_on_violation is on).'
        : 'Personal data in inputs, outputs and model answers is replaced by tokens such as [EMAIL_REDACTED]; the audit log keeps a keyed hash, never the value.',
      values: piiTypes,
    },
    {
      id: 'safety.redact_patterns',
      category: 'pii',
      title: 'Custom redaction patterns',
      enabled: patterns.length > 0,
      detail: patterns.length > 0 ? `Matches are ${halt ? 'refused' : 'replaced by [REDACTED]'} in inputs, outputs and model answers.` : 'None set.',
      ...(patterns.length > 0 ? { values: patterns } : {}),
    },
    {
      id: 'tools.allowed',
      category: 'tools',
      title: 'Tool allow-list',
      enabled: denyByDefault,
      detail: !denyByDefault
        ? 'Off: the agent may call any tool (deny_by_default is false).'
        : allowed.length > 0
          ? 'Only these tools may run; any other call is denied before it executes.'
          : 'No tool may run: every call is denied before it executes.',
      ...(allowed.length > 0 ? { values: allowed } : {}),
    },
    {
      id: 'safety.max_output_chars',
      category: 'output',
      title: 'Output limit',
      enabled: maxOutput !== undefined,
      detail: maxOutput === undefined ? 'None set: an answer may be arbitrarily long.' : halt ? 'Longer outputs are refused with 413 OutputTooLarge.' : 'Longer outputs are truncated to fit.',
      ...(maxOutput !== undefined ? { values: [`${maxOutput} characters`] } : {}),
    },
    {
      id: 'limits',
      category: 'limits',
      title: 'Inspection limits',
      enabled: true,
      detail: 'Bodies the policy engine cannot inspect whole are refused with 403 PolicyViolation.',
      values: [`depth ≤ ${DEFAULT_WALK_LIMITS.maxDepth}`, `values ≤ ${DEFAULT_WALK_LIMITS.maxNodes}`],
    },
    {
      id: 'budget',
      category: 'budget',
      title: 'LLM budget',
      enabled: budget.limitUsd !== null,
      detail:
        budget.limitUsd === null
          ? 'None set for this deployment: model spend is metered, not limited.'
          : 'Model calls are refused once the spend reaches the limit; a warning is raised at 90%.',
      ...(budget.limitUsd !== null ? { values: [`$${budget.limitUsd.toFixed(2)} limit`, `$${budget.spentUsd.toFixed(4)} spent`] } : {}),
    },
    {
      id: 'auth.rate_limits',
      category: 'rate_limit',
      title: 'Rate limits',
      enabled: rateLimits.length > 0,
      detail: rateLimits.length > 0 ? "Requests over a role's limit are answered 429 with Retry-After." : 'None set: roles are not rate limited.',
      ...(rateLimits.length > 0 ? { values: rateLimits.map(([role, limit]) => `${role}: ${limit}`) } : {}),
    },
    {
      id: 'auth',
      category: 'auth',
      title: 'Authentication',
      enabled: true,
      detail: `Every call needs a credential: ${credentials.join(' or ')}; revoked keys get 499, expired tokens 498.`,
      values: (spec.auth.roles ?? []).map((role) => `${role.name}: ${role.permissions.join(', ')}`),
    },
  ];
}

/** The violation an event reports, or undefined when it reports none. */
export function violationOf(event: Pick<StoredTelemetryEvent, 'type' | 'time' | 'traceId' | 'data'>): PolicyViolation | undefined {
  const data = event.data;
  const base = { time: event.time, traceId: event.traceId ?? null, stage: typeof data.stage === 'string' ? data.stage : null };
  if (event.type === 'policy') {
    const finding = policyFinding(data);
    if (!finding) return undefined;
    return { ...base, category: categoryOfRule(finding.rule), rule: finding.rule, action: String(data.action ?? 'reported'), count: finding.count };
  }
  if (event.type === 'budget') {
    if (data.level !== 'blocked') return undefined;
    return { ...base, category: 'budget', rule: 'budget', action: 'blocked', count: 1 };
  }
  if (event.type === 'auth') {
    const rule = typeof data.rule === 'string' ? data.rule : 'auth';
    return { ...base, category: rule.includes('rate') ? 'rate_limit' : 'auth', rule, action: String(data.action ?? data.reason ?? 'refused'), count: findingCount(data.count) };
  }
  return undefined;
}

/** The policy rule (PolicyRule.id) a runtime rule name belongs to. */
export function ruleIdOf(rule: string): string {
  if (rule.startsWith('pii.')) return 'pii';
  if (rule.startsWith('safety.redact_patterns')) return 'safety.redact_patterns';
  if (rule === 'tool_gate') return 'tools.allowed';
  if (rule.startsWith('limits.')) return 'limits';
  if (rule.includes('rate')) return 'auth.rate_limits';
  return rule;
}

function categoryOfRule(rule: string): PolicyCategory {
  if (isPiiRule(rule)) return 'pii';
  switch (ruleIdOf(rule)) {
    case 'safety.block_prompt_injection':
      return 'injection';
    case 'tools.allowed':
      return 'tools';
    case 'safety.max_output_chars':
      return 'output';
    case 'limits':
      return 'limits';
    default:
      return 'other';
  }
}

/** Hourly buckets of [from, to) (both on hour boundaries) with the violations counted (by `count`). */
export function violationTrend(violations: readonly PolicyViolation[], window: { from: number; to: number }): Pick<AgentPolicies['trend'], 'buckets' | 'total' | 'byCategory'> {
  const buckets: ViolationBucket[] = [];
  for (let start = window.from; start < window.to; start += HOUR_MS) buckets.push({ start: new Date(start).toISOString(), total: 0, byCategory: {} });
  const byCategory: Partial<Record<PolicyCategory, number>> = {};
  let total = 0;
  for (const violation of violations) {
    const at = Date.parse(violation.time);
    const bucket = buckets[Math.floor((at - window.from) / HOUR_MS)];
    if (!bucket || at < window.from) continue;
    bucket.total += violation.count;
    bucket.byCategory[violation.category] = (bucket.byCategory[violation.category] ?? 0) + violation.count;
    byCategory[violation.category] = (byCategory[violation.category] ?? 0) + violation.count;
    total += violation.count;
  }
  return { buckets, total, byCategory };
}
