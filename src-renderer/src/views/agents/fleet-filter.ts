/** The fleet table's filters: a name substring and a health. */
import type { AgentHealth, AgentRow } from '../../../../src-shared/ipc/console-types';

/** Rows whose name contains `name` (case-insensitive) and whose health is `health` (or any). */
export function filterFleet(rows: readonly AgentRow[], name: string, health: AgentHealth | 'all'): AgentRow[] {
  const needle = name.trim().toLowerCase();
  return rows.filter((row) => (health === 'all' || row.health === health) && (needle === '' || row.agent.toLowerCase().includes(needle)));
}
