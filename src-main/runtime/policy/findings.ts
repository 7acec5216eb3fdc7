/**
 * What one policy call found, per rule: counts and field paths for events and refusal messages,
 * and how many audit records were written or skipped. Never holds a matched value.
 */
import type { PiiMatch } from './pii-scanner';

export interface RuleFindings {
  type: string;
  severity: PiiMatch['severity'];
  count: number;
  fields: Set<string>;
}

/** Field paths listed in a refusal message. */
const MESSAGE_FIELDS = 3;

export class Findings {
  readonly byRule = new Map<string, RuleFindings>();
  /** Audit records written for this call. */
  audited = 0;
  /** Hits past the per-call audit cap: counted in events, not hashed or recorded. */
  unaudited = 0;

  get size(): number {
    return this.byRule.size;
  }

  add(match: PiiMatch, field: string): void {
    const finding = this.byRule.get(match.rule) ?? { type: match.type, severity: match.severity, count: 0, fields: new Set<string>() };
    finding.count += 1;
    finding.fields.add(field);
    this.byRule.set(match.rule, finding);
  }

  /** "EMAIL ×2, SSN ×1 in messages[0].content" — types, counts and fields, never values. */
  describe(): string {
    const counts = new Map<string, number>();
    const fields: string[] = [];
    for (const finding of this.byRule.values()) {
      counts.set(finding.type, (counts.get(finding.type) ?? 0) + finding.count);
      fields.push(...finding.fields);
    }
    const types = [...counts].map(([type, count]) => `${type} ×${count}`).join(', ');
    return `${types} in ${listFields(fields)}`;
  }
}

/** Up to three distinct fields, then how many more. */
export function listFields(fields: readonly string[]): string {
  const shown = [...new Set(fields)];
  return shown.length <= MESSAGE_FIELDS ? shown.join(', ') : `${shown.slice(0, MESSAGE_FIELDS).join(', ')} and ${shown.length - MESSAGE_FIELDS} more`;
}
