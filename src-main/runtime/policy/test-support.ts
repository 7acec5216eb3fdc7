/**
 * Test helpers for the policy engine: a policies block with the frozen spec's defaults, and sinks
 * that keep what the engine emits. Test-only (imported by *.test.ts files).
 */
import type { DockSpec } from '../../../src-shared/dockfile/types';
import type { EventSink, PiiAuditRecord, TelemetryEventType } from '../contracts';
import { PolicyEngine } from './policy-engine';
import type { PolicyEngineOptions } from './policy-engine';

type Policies = DockSpec['policies'];

/** A policies block as the frozen spec carries it (defaults applied), with overrides. */
export function policySpec(tools: Partial<Policies['tools']> = {}, safety: Partial<Policies['safety']> = {}): Pick<DockSpec, 'policies'> {
  return {
    policies: {
      tools: { deny_by_default: true, ...tools },
      safety: { block_prompt_injection: true, halt_on_violation: false, ...safety },
    },
  };
}

export interface Emitted {
  type: TelemetryEventType;
  data: Record<string, unknown>;
  traceId: string | undefined;
}

/** An engine whose events and audit records land in arrays. */
export function recordingEngine(spec: Pick<DockSpec, 'policies'>, options: Partial<PolicyEngineOptions> = {}): { engine: PolicyEngine; events: Emitted[]; audits: PiiAuditRecord[] } {
  const events: Emitted[] = [];
  const audits: PiiAuditRecord[] = [];
  const sink: EventSink = { emit: (type, data, traceId) => events.push({ type, data, traceId }) };
  let now = 0;
  const engine = new PolicyEngine(spec, {
    auditKey: 'test-only-audit-key-0123456789',
    events: sink,
    onAudit: (record) => audits.push(record),
    // Each reading advances 1 ms, so durations are positive and deterministic.
    clock: () => (now += 1),
    ...options,
  });
  return { engine, events, audits };
}
