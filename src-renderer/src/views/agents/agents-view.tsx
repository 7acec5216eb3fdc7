import { useMemo } from 'react';
import type { ReactNode } from 'react';
import type { AgentHealth } from '../../../../src-shared/ipc/console-types';
import { ErrorMessage } from '../../components/error-message';
import { useConsoleQuery } from '../../console/requests';
import { useCan } from '../../console/use-role';
import { useUi } from '../../state/ui-store';
import { WelcomeView } from '../welcome/welcome-view';
import { FleetTable } from './fleet-table';
import { filterFleet } from './fleet-filter';
import { LifecycleBar } from './lifecycle-bar';

const HEALTHS: readonly (AgentHealth | 'all')[] = ['all', 'healthy', 'degraded', 'unhealthy', 'stopped', 'suspended', 'unknown'];

/** The fleet table with filters and multi-select lifecycle actions; the welcome screen when empty. */
export function AgentsView(): ReactNode {
  const list = useConsoleQuery('agents:list', {});
  const { nameFilter, healthFilter, selected, setNameFilter, setHealthFilter, setSelected, navigate } = useUi();
  const canLifecycle = useCan('agents:lifecycle');
  const rows = useMemo(() => filterFleet(list.data ?? [], nameFilter, healthFilter), [list.data, nameFilter, healthFilter]);
  // Only agents still in the table count as selected (one may have been deleted meanwhile).
  const selectedNames = useMemo(() => (list.data ?? []).map((row) => row.agent).filter((agent) => selected.has(agent)), [list.data, selected]);

  if (list.isPending) return <div className="view-loading">Loading agents…</div>;
  if (list.isError) return <ErrorMessage error={list.error} title="Could not load the fleet" onRetry={() => void list.refetch()} />;
  if (list.data.length === 0) return <WelcomeView />;

  const toggle = (agent: string): void => {
    const next = new Set(selected);
    if (next.has(agent)) next.delete(agent);
    else next.add(agent);
    setSelected(next);
  };
  const toggleAll = (): void => {
    const allShown = rows.every((row) => selected.has(row.agent));
    const next = new Set(selected);
    for (const row of rows) {
      if (allShown) next.delete(row.agent);
      else next.add(row.agent);
    }
    setSelected(next);
  };

  return (
    <section className="agents-view" aria-labelledby="agents-title">
      <div className="view-header">
        <h1 id="agents-title">Agents</h1>
        <span className="muted">
          {rows.length === list.data.length ? `${list.data.length} agent${list.data.length === 1 ? '' : 's'}` : `${rows.length} of ${list.data.length} agents`}
        </span>
        <span className="spacer" />
        <input type="search" className="input" placeholder="Filter by name" aria-label="Filter agents by name" value={nameFilter} onChange={(event) => setNameFilter(event.target.value)} />
        <select className="input" aria-label="Filter agents by health" value={healthFilter} onChange={(event) => setHealthFilter(event.target.value as AgentHealth | 'all')}>
          {HEALTHS.map((health) => (
            <option key={health} value={health}>
              {health === 'all' ? 'Any health' : health}
            </option>
          ))}
        </select>
      </div>
      {canLifecycle ? <LifecycleBar agents={selectedNames} onDone={() => setSelected(new Set())} /> : null}
      <FleetTable rows={rows} selected={selected} selectable={canLifecycle} onToggle={toggle} onToggleAll={toggleAll} onOpen={(agent) => navigate({ view: 'agent', agent, tab: 'overview' })} />
    </section>
  );
}
