import type { ReactNode } from 'react';
import type { ControlSnapshot } from '../../../../src-shared/ipc/console-types';
import { protectionLevel } from '../../format/control-format';
import { ControlCard } from './control-card';

/** Seed 002 #21: what the runtime kept out, counted live (PII, unauthorized tools, injection attempts). */
export function ProtectionCard({ snapshot }: { snapshot: ControlSnapshot }): ReactNode {
  const { counters } = snapshot;
  const rows: { id: string; label: string; count: number; detail: string }[] = [
    { id: 'pii', label: 'PII leaks blocked', count: counters.piiBlocked, detail: 'values redacted or refused in inputs, outputs and model answers' },
    { id: 'tools', label: 'Unauthorized tool calls', count: counters.unauthorizedTools, detail: 'denied before they ran' },
    { id: 'injection', label: 'Prompt injection attempts', count: counters.injectionAttempts, detail: 'inputs refused before the agent saw them' },
    { id: 'budget', label: 'Model calls over budget', count: counters.budgetBlocked, detail: 'refused by the budget' },
  ];
  return (
    <ControlCard id="protection" title="Protection">
      <ul className="protection-list" aria-label="Protection counters">
        {rows.map((row) => (
          <li key={row.id} data-counter={row.id}>
            <span className={`protection-icon tone-${protectionLevel(row.count).tone}`} aria-hidden="true">
              {protectionLevel(row.count).icon}
            </span>
            <span className="protection-label">
              {row.label}
              <span className="muted"> — {row.detail}</span>
            </span>
            <span className="protection-count mono" aria-label={`${row.label}: ${row.count}`} data-testid={`protection-${row.id}`}>
              {row.count}
            </span>
          </li>
        ))}
      </ul>
    </ControlCard>
  );
}
