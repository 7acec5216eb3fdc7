import type { RolloutOutcome } from '../core/controller/agent-operations';
import { paint } from './terminal';
import type { Terminal } from './terminal';

/** One line per running deployment a key or secret change was pushed to. */
export function printRollout(terminal: Terminal, rollout: readonly RolloutOutcome[]): void {
  for (const outcome of rollout) {
    if (outcome.reloaded) terminal.out(`  ${paint(terminal, 'dim', '↻')} reloaded ${outcome.agent} on ${outcome.target}`);
    else terminal.out(`  ${paint(terminal, 'yellow', '!')} ${outcome.agent} on ${outcome.target} was not reloaded (${outcome.error ?? 'unreachable'}); it gets the change on its next start`);
  }
}
