import type { ReactNode } from 'react';
import type { AgentHealth } from '../../../src-shared/ipc/console-types';

/** A coloured health label; the text carries the meaning, the colour only helps. */
export function HealthBadge({ health }: { health: AgentHealth }): ReactNode {
  return (
    <span className={`badge health-${health}`} data-health={health}>
      {health}
    </span>
  );
}
