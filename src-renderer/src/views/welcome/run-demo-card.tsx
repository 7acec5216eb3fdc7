import { useState } from 'react';
import type { ReactNode } from 'react';
import { useCan } from '../../console/use-role';
import { useDemo } from '../../state/demo-store';
import { useUi } from '../../state/ui-store';
import '../control/control.css';

/** "See it work": one click deploys the bundled lead-generation agent and runs the offline demo. */
export function RunDemoCard(): ReactNode {
  const canRun = useCan('demo:run');
  const { status, start } = useDemo();
  const navigate = useUi((state) => state.navigate);
  const [pauseAtIncidents, setPauseAtIncidents] = useState(true);
  if (!canRun) return null;
  const run = (pace: 'presentation' | 'fast'): void => {
    start(pace, { pauseAtIncidents });
    navigate({ view: 'control' });
  };
  return (
    <div className="demo-card">
      <h2>See it work: the offline demo</h2>
      <p>
        Deploys a lead-generation agent (LangGraph.js) with a $50 budget and runs 100 synthetic leads against a simulated model, LinkedIn and Clearbit — no
        network, no API keys. Watch the circuit breaker, a key rotation, personal-data redaction and a budget warning happen on the control panel.
      </p>
      <label className="demo-card-option">
        <input type="checkbox" checked={pauseAtIncidents} onChange={(event) => setPauseAtIncidents(event.target.checked)} />
        Pause at each incident, so you can explain it (Continue on the control panel)
      </label>
      <div className="button-row">
        <button type="button" className="button primary" disabled={status === 'running'} onClick={() => run('presentation')}>
          Run the demo
        </button>
        <button type="button" className="button" disabled={status === 'running'} onClick={() => run('fast')}>
          Fast run (seconds)
        </button>
      </div>
    </div>
  );
}
