/**
 * Where the policy engine reports: `policy` events on the event stream and PII audit records.
 * Neither ever carries a matched value. The audit hash is keyed (HMAC-SHA-256): PII is low-entropy
 * (a US SSN has under 30 bits), so a plain SHA-256 could be reversed by enumerating every SSN or
 * phone number — seed 002's rule that low-entropy inputs need more than a fast unkeyed hash. With
 * the key, the same value still gives the same hash (incidents can be correlated) but only the
 * holder of the bundle's audit key can test a guess.
 */
import { createHmac } from 'node:crypto';
import type { EventSink, PiiAuditRecord, PolicyEventData } from '../contracts';

/** Shortest accepted audit key: 128 bits, so the key cannot itself be guessed. */
export const MIN_AUDIT_KEY_BYTES = 16;

/** A policy event as emitted: the contract's fields plus context that is never a matched value. */
export type PolicyEvent = PolicyEventData & { policy_violation: true; mode: string } & Record<string, unknown>;

export class PolicyRecorder {
  private readonly key: Buffer;

  constructor(
    private readonly events: EventSink,
    private readonly onAudit: (record: PiiAuditRecord) => void,
    auditKey: Uint8Array | string,
  ) {
    this.key = typeof auditKey === 'string' ? Buffer.from(auditKey, 'utf8') : Buffer.from(auditKey);
    if (this.key.length < MIN_AUDIT_KEY_BYTES) throw new RangeError(`the PII audit key must be at least ${MIN_AUDIT_KEY_BYTES} bytes (it keys the hash of low-entropy values)`);
  }

  /** HMAC-SHA-256 of the value under the audit key, hex. */
  hash(value: string): string {
    return createHmac('sha256', this.key).update(value, 'utf8').digest('hex');
  }

  /** Emits one policy event; a telemetry failure never changes the policy decision. */
  event(traceId: string, data: PolicyEvent): void {
    try {
      this.events.emit('policy', data, traceId);
    } catch {
      // EventSink promises not to throw; this guards the decision against one that does.
    }
  }

  /** Hands one audit record to the sink. */
  audit(record: PiiAuditRecord): void {
    try {
      this.onAudit(record);
    } catch {
      // Same as event(): the audit sink failing must not turn a redaction into a 500.
    }
  }
}
