/**
 * The policy engine (seed 004 §5.4, seed 002 #5–8): pre-invoke redaction and injection blocking,
 * in-invoke tool gating, post-invoke redaction and output size, and redaction of model output for
 * the LLM proxy (whole or streamed). Everything is compiled in the constructor; a call only runs
 * the compiled regexes over the body's strings.
 *
 * Modes (seed 002 #8) decide what a finding does:
 * - `redact` (default): PII becomes `[EMAIL_REDACTED]`-style tokens, too-long output is truncated;
 * - `block`: any finding refuses the request (403, or 413 for output size);
 * - `warn`: nothing is changed or refused, every finding is still emitted and audited.
 * `halt_on_violation: true` in the Dockfile makes any mode behave like `block`, before and after
 * the run (§5.4.4 acceptance: "matching sensitive patterns abort the run with 403"): the Dockfile's
 * compliance rule outranks a runtime testing mode.
 * Prompt injection is refused whenever `block_prompt_injection` is on, except in (effective) `warn` mode.
 * Tool gating ignores the mode: it is authorisation, not content.
 *
 * Nothing emitted — events, audit records, refusal messages — contains a matched value: only the
 * type, the rule, counts, the field path (keys that look sensitive shown as `[*]`) and an HMAC.
 */
import type { DockSpec } from '../../../src-shared/dockfile/types';
import type { EventSink, PiiAuditRecord, PolicyAction, PolicyStage, ToolDecision } from '../contracts';
import { DEFAULT_WALK_LIMITS, formatJsonPath, mapJsonStrings } from './json-strings';
import type { PathSegment, WalkLimits } from './json-strings';
import { Findings, listFields } from './findings';
import { fitOutput, outputSize } from './output-guard';
import { PiiScanner, applyRedactions } from './pii-scanner';
import type { PiiMatch } from './pii-scanner';
import { PolicyRecorder } from './policy-recorder';
import { analyzePromptInjection } from './prompt-injection';
import { PiiStreamRedactor } from './stream-redactor';
import type { StreamRedactor } from './stream-redactor';

export type PolicyMode = 'redact' | 'block' | 'warn';

export interface PolicyEngineOptions {
  /** Default `redact`. */
  mode?: PolicyMode;
  /** Keys the audit hash; at least 16 bytes (the bundle's audit hash key). */
  auditKey: Uint8Array | string;
  events: EventSink;
  onAudit: (record: PiiAuditRecord) => void;
  /** Milliseconds, for `durationMs`; default `performance.now`. */
  clock?: () => number;
  /** Bounds on the body walk; defaults DEFAULT_WALK_LIMITS. */
  limits?: Partial<WalkLimits>;
  /** Audit records per call (per stream for a stream redactor); default DEFAULT_MAX_AUDIT_RECORDS. */
  maxAuditRecords?: number;
}

export type PolicyRefusal<Status extends number, Code extends string> = {
  ok: false;
  status: Status;
  code: Code;
  /** Same as `code`, so a refusal is also the HTTP layer's `Refusal` shape. */
  error: Code;
  message: string;
};

export type PreInvokeResult = { ok: true; input: unknown } | PolicyRefusal<403, 'PolicyViolation' | 'PromptInjection'>;
export type PostInvokeResult = { ok: true; output: unknown; truncated: boolean } | PolicyRefusal<403, 'PolicyViolation'> | PolicyRefusal<413, 'OutputTooLarge'>;

type ScanOutcome = { ok: true; value: unknown; findings: Findings } | { ok: false; limit: 'depth' | 'nodes' };

/** Tool names as the Dockfile allows them; anything else is not echoed into telemetry. */
const TOOL_NAME = /^[a-zA-Z0-9_.-]{1,64}$/;
/** Audit records one call writes at most: a body stuffed with 100 000 e-mail addresses must not become 100 000 records and HMACs. */
export const DEFAULT_MAX_AUDIT_RECORDS = 1_000;

export class PolicyEngine {
  /** The mode in force: `options.mode`, or `block` when the Dockfile sets `halt_on_violation`. */
  readonly mode: PolicyMode;
  private readonly scanner: PiiScanner;
  private readonly recorder: PolicyRecorder;
  private readonly clock: () => number;
  private readonly limits: WalkLimits;
  private readonly allowedTools: ReadonlySet<string>;
  private readonly denyByDefault: boolean;
  private readonly maxOutputChars: number | undefined;
  private readonly blockInjection: boolean;
  private readonly haltOnViolation: boolean;
  private readonly maxAuditRecords: number;

  constructor(spec: Pick<DockSpec, 'policies'>, options: PolicyEngineOptions) {
    const tools = spec.policies?.tools;
    const safety = spec.policies?.safety;
    this.haltOnViolation = safety?.halt_on_violation ?? false;
    this.mode = this.haltOnViolation ? 'block' : (options.mode ?? 'redact');
    this.scanner = new PiiScanner(safety?.redact_patterns ?? []);
    this.recorder = new PolicyRecorder(options.events, options.onAudit, options.auditKey);
    this.clock = options.clock ?? (() => performance.now());
    this.limits = { ...DEFAULT_WALK_LIMITS, ...options.limits };
    this.allowedTools = new Set(tools?.allowed ?? []);
    this.denyByDefault = tools?.deny_by_default ?? true;
    this.maxOutputChars = safety?.max_output_chars;
    this.blockInjection = safety?.block_prompt_injection ?? true;
    this.maxAuditRecords = options.maxAuditRecords ?? DEFAULT_MAX_AUDIT_RECORDS;
  }

  /** Pre-invoke: refuses prompt injection, then redacts (or refuses, or reports) PII in every string value of the input. */
  preInvoke(input: unknown, traceId: string): PreInvokeResult {
    const started = this.clock();
    if (this.blockInjection) {
      const flagged: string[] = [];
      const signals = new Set<string>();
      const walk = mapJsonStrings(
        input,
        (text, path) => {
          const report = analyzePromptInjection(text);
          if (report.injected) {
            flagged.push(this.fieldOf(path));
            for (const rule of report.rules) signals.add(rule);
          }
          return text;
        },
        this.limits,
      );
      if (!walk.ok) return this.limitRefusal('pre_invoke', walk.limit, started, traceId);
      if (flagged.length > 0) {
        const refuse = this.mode !== 'warn';
        this.emit(traceId, 'pre_invoke', 'safety.block_prompt_injection', refuse ? 'blocked' : 'warned', flagged.length, started, { signals: [...signals] });
        if (refuse) {
          return refusal(403, 'PromptInjection', `the input looks like a prompt injection (${[...signals].join(', ')} in ${listFields(flagged)}); policies.safety.block_prompt_injection refuses it`);
        }
      }
    }

    const scan = this.scanValue(input, 'pre_invoke', traceId);
    if (!scan.ok) return this.limitRefusal('pre_invoke', scan.limit, started, traceId);
    if (scan.findings.size === 0) return { ok: true, input };
    const action = this.mode === 'block' ? 'blocked' : this.mode === 'warn' ? 'warned' : 'redacted';
    this.emitFindings(traceId, 'pre_invoke', action, scan.findings, started);
    if (action === 'blocked') return refusal(403, 'PolicyViolation', `the input contains sensitive data (${scan.findings.describe()}); ${this.haltReason()} refuses it — remove it and retry`);
    return { ok: true, input: action === 'redacted' ? scan.value : input };
  }

  /** In-invoke: may the agent run this tool? A denial is emitted as a policy event. */
  authorizeTool(name: string, traceId: string): ToolDecision {
    const started = this.clock();
    if (!this.denyByDefault || this.allowedTools.has(name)) return { allow: true };
    const label = TOOL_NAME.test(name) && this.scanner.find(name).length === 0 ? name : '(unprintable name)';
    this.emit(traceId, 'in_invoke', 'tools.allowed', 'denied', 1, started, { tool: label });
    return { allow: false, reason: `tool ${JSON.stringify(label)} is not in policies.tools.allowed` };
  }

  /** Post-invoke: redacts (or refuses, or reports) PII in the output, then applies max_output_chars. */
  postInvoke(output: unknown, traceId: string): PostInvokeResult {
    const started = this.clock();
    const scan = this.scanValue(output, 'post_invoke', traceId);
    if (!scan.ok) return this.limitRefusal('post_invoke', scan.limit, started, traceId);
    let result = output;
    if (scan.findings.size > 0) {
      const action = this.mode === 'block' ? 'blocked' : this.mode === 'warn' ? 'warned' : 'redacted';
      this.emitFindings(traceId, 'post_invoke', action, scan.findings, started);
      if (action === 'blocked') return refusal(403, 'PolicyViolation', `the agent's output contains sensitive data (${scan.findings.describe()}); ${this.haltReason()} refuses it`);
      if (action === 'redacted') result = scan.value;
    }

    const max = this.maxOutputChars;
    if (max === undefined) return { ok: true, output: result, truncated: false };
    let size: number;
    try {
      size = outputSize(result);
    } catch {
      size = Number.POSITIVE_INFINITY;
    }
    if (size <= max) return { ok: true, output: result, truncated: false };
    const rule = 'safety.max_output_chars';
    const tooLarge = (): PolicyRefusal<413, 'OutputTooLarge'> =>
      refusal(413, 'OutputTooLarge', `the agent's output is ${Number.isFinite(size) ? `${size} characters` : 'not serialisable'}, over policies.safety.max_output_chars (${max})`);
    if (this.mode === 'warn') {
      this.emit(traceId, 'post_invoke', rule, 'warned', 1, started, { maxOutputChars: max, outputChars: size });
      return { ok: true, output: result, truncated: false };
    }
    if (this.mode === 'block') {
      this.emit(traceId, 'post_invoke', rule, 'blocked', 1, started, { maxOutputChars: max, outputChars: size });
      return tooLarge();
    }
    const fit = fitOutput(result, max, this.limits);
    if (!fit.ok) {
      this.emit(traceId, 'post_invoke', rule, 'blocked', 1, started, { maxOutputChars: max, reason: fit.reason });
      return tooLarge();
    }
    if (!fit.truncated) return { ok: true, output: fit.output, truncated: false };
    this.emit(traceId, 'post_invoke', rule, 'truncated', fit.fields, started, { maxOutputChars: max, removedChars: fit.removedChars });
    return { ok: true, output: fit.output, truncated: true };
  }

  /**
   * Redacts one whole text (model output seen by the LLM proxy). Always redacts except in `warn`
   * mode: halting is left to post-invoke, where the agent's final output is refused.
   */
  redactText(text: string, stage: PolicyStage, traceId: string): { text: string; findings: number } {
    const started = this.clock();
    const matches = this.scanner.find(text);
    if (matches.length === 0) return { text, findings: 0 };
    const findings = new Findings();
    for (const match of matches) this.record(match, text.slice(match.start, match.end), '$', stage, traceId, findings);
    const replace = this.mode !== 'warn';
    this.emitFindings(traceId, stage, replace ? 'redacted' : 'warned', findings, started);
    return { text: replace ? applyRedactions(text, matches) : text, findings: matches.length };
  }

  /** A redactor for one streamed text (one per choice or content block); its events are emitted on `flush`. */
  createStreamRedactor(stage: PolicyStage, traceId: string): StreamRedactor {
    let findings = new Findings();
    let elapsed = 0;
    const replace = this.mode !== 'warn';
    const inner = new PiiStreamRedactor(this.scanner, {
      replace,
      onMatch: (match, value) => this.record(match, value, '$', stage, traceId, findings),
    });
    const timed = (run: () => string): string => {
      const started = this.clock();
      try {
        return run();
      } finally {
        elapsed += this.clock() - started;
      }
    };
    return {
      push: (chunk) => timed(() => inner.push(chunk)),
      flush: () => {
        const out = timed(() => inner.flush());
        if (findings.size > 0) this.emitFindings(traceId, stage, replace ? 'redacted' : 'warned', findings, this.clock() - elapsed);
        findings = new Findings();
        return out;
      },
    };
  }

  private haltReason(): string {
    return this.haltOnViolation ? 'policies.safety.halt_on_violation' : "the runtime's block mode";
  }

  /** Finds PII in every string of a value, auditing each hit; the copy is redacted only in effective redact mode. */
  private scanValue(value: unknown, stage: PolicyStage, traceId: string): ScanOutcome {
    const findings = new Findings();
    const replace = this.mode === 'redact';
    const walk = mapJsonStrings(
      value,
      (text, path) => {
        const matches = this.scanner.find(text);
        if (matches.length === 0) return text;
        const field = this.fieldOf(path);
        for (const match of matches) this.record(match, text.slice(match.start, match.end), field, stage, traceId, findings);
        return replace ? applyRedactions(text, matches) : text;
      },
      this.limits,
    );
    return walk.ok ? { ok: true, value: walk.value, findings } : walk;
  }

  private record(match: PiiMatch, value: string, field: string, stage: PolicyStage, traceId: string, findings: Findings): void {
    findings.add(match, field);
    if (findings.audited >= this.maxAuditRecords) {
      findings.unaudited += 1;
      return;
    }
    findings.audited += 1;
    this.recorder.audit({ traceId, stage, piiType: match.type, severity: match.severity, valueHash: this.recorder.hash(value), field });
  }

  private fieldOf(path: readonly PathSegment[]): string {
    return formatJsonPath(path, (key) => key.length <= 64 && this.scanner.find(key).length === 0);
  }

  private emitFindings(traceId: string, stage: PolicyStage, action: PolicyAction, findings: Findings, started: number): void {
    const unaudited = findings.unaudited > 0 ? { unaudited: findings.unaudited } : {};
    for (const [rule, finding] of findings.byRule) {
      this.emit(traceId, stage, rule, action, finding.count, started, { piiType: finding.type, severity: finding.severity, fields: finding.fields.size, ...unaudited });
    }
  }

  private emit(traceId: string, stage: PolicyStage, rule: string, action: PolicyAction, count: number, started: number, extra: Record<string, unknown> = {}): void {
    const durationMs = Math.round((this.clock() - started) * 1000) / 1000;
    this.recorder.event(traceId, { ...extra, stage, rule, action, count, durationMs, policy_violation: true, mode: this.mode });
  }

  private limitRefusal(stage: PolicyStage, limit: 'depth' | 'nodes', started: number, traceId: string): PolicyRefusal<403, 'PolicyViolation'> {
    this.emit(traceId, stage, `limits.${limit === 'depth' ? 'max_depth' : 'max_values'}`, 'blocked', 1, started);
    const what = stage === 'pre_invoke' ? 'the input' : "the agent's output";
    const why = limit === 'depth' ? `nests deeper than ${this.limits.maxDepth} levels` : `has more than ${this.limits.maxNodes} values`;
    return refusal(403, 'PolicyViolation', `${what} ${why}; the policy engine refuses what it cannot inspect`);
  }
}

function refusal<Status extends number, Code extends string>(status: Status, code: Code, message: string): PolicyRefusal<Status, Code> {
  return { ok: false, status, code, error: code, message };
}
