/**
 * The offline demo from the console ("Run the demo" on the welcome screen): the same driver as
 * `agentdock demo` (core/demo), its events streamed as the request's progress, cancellable from
 * the window. The console's monitoring is already running, so the control panel, the alerts and
 * the key-rotation check see the run as they see any agent.
 *
 * One demo runs at a time (its agent, keys and alert channels are shared); `demo:control` pauses
 * and resumes it from any window, the way a presenter stops to explain an incident.
 */
import { CoreError } from '../contracts';
import { DemoGate } from '../demo/demo-gate';
import { runDemo } from '../demo/demo-run';
import type { ControlPlane } from '../control-plane';
import type { FleetWatch } from './fleet-watch';
import type { ConsoleHandlers } from './handler-types';

type Handlers = ConsoleHandlers['requests'];

export function demoHandlers(plane: ControlPlane, fleet: FleetWatch): Pick<Handlers, 'demo:run' | 'demo:control'> {
  let running: { gate: DemoGate; startedBy: string } | undefined;
  return {
    'demo:run': async ({ pace, pauseAtIncidents }, { principal, signal, progress }) => {
      if (running) throw new CoreError('E2005', `The demo is already running (started by ${running.startedBy}). Follow it on the control panel, or stop it there before starting another run.`);
      const gate = new DemoGate();
      running = { gate, startedBy: principal.user };
      try {
        return await runDemo({
          plane,
          actor: principal.user,
          pace,
          gate,
          pauseAtIncidents: pauseAtIncidents ?? false,
          signal,
          onEvent: (event) => {
            // The fleet table lists the demo agent as soon as it is up, not at the next tick.
            if (event.kind === 'started') fleet.poke();
            progress(event);
          },
        });
      } finally {
        running = undefined;
      }
    },
    'demo:control': async ({ action }) => {
      if (!running) throw new CoreError('E2023', 'No demo is running. Start one from the welcome screen ("Run the demo").');
      if (action === 'pause') running.gate.requestPause('presenter');
      else running.gate.resume();
      return { action };
    },
  };
}
