/**
 * The offline demo from the console ("Run the demo" on the welcome screen): the same driver as
 * `agentdock demo` (core/demo), its events streamed as the request's progress, cancellable from
 * the window. The console's monitoring is already running, so the control panel, the alerts and
 * the key-rotation check see the run as they see any agent.
 */
import { runDemo } from '../demo/demo-run';
import type { ControlPlane } from '../control-plane';
import type { FleetWatch } from './fleet-watch';
import type { ConsoleHandlers } from './handler-types';

type Handlers = ConsoleHandlers['requests'];

export function demoHandlers(plane: ControlPlane, fleet: FleetWatch): Pick<Handlers, 'demo:run'> {
  return {
    'demo:run': async ({ pace }, { principal, signal, progress }) =>
      runDemo({
        plane,
        actor: principal.user,
        pace,
        signal,
        onEvent: (event) => {
          // The fleet table lists the demo agent as soon as it is up, not at the next tick.
          if (event.kind === 'started') fleet.poke();
          progress(event);
        },
      }),
  };
}
