import type { ReactNode } from 'react';
import { useConsoleQuery } from '../../console/requests';
import { useUi } from '../../state/ui-store';
import { ControlPanel } from './control-panel';
import { DemoStrip } from './demo-strip';

/** The fleet's control panel (the sidebar's "Control panel"); an agent's is its detail's Control tab. */
export function ControlView(): ReactNode {
  const navigate = useUi((state) => state.navigate);
  const agents = useConsoleQuery('agents:list', {});
  return (
    <section className="control-view" aria-labelledby="control-title">
      <div className="view-header">
        <h1 id="control-title">Control panel</h1>
        <span className="muted">All agents, each since its deployment went live</span>
        <span className="spacer" />
        <select
          className="input"
          aria-label="Show one agent"
          value=""
          onChange={(event) => {
            if (event.target.value) navigate({ view: 'agent', agent: event.target.value, tab: 'control' });
          }}
        >
          <option value="">All agents</option>
          {(agents.data ?? []).map((row) => (
            <option key={row.agentId} value={row.agent}>
              {row.agent}
            </option>
          ))}
        </select>
      </div>
      <DemoStrip />
      <ControlPanel />
    </section>
  );
}
