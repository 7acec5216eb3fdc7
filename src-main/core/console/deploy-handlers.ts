/**
 * Deploy and rollback from the console: the controller's health-gated flow, its steps and the
 * target's own output (the image build log) streamed as progress, cancellable from the window
 * (closing it cancels too: a cancelled deploy rolls back and the previous version keeps serving).
 */
import type { DeployProgress } from '../../../src-shared/ipc/console-types';
import type { ControlPlane } from '../control-plane';
import type { ProgressEvent } from '../contracts';
import type { DeployStep } from '../controller/deploy-controller';
import type { FleetWatch } from './fleet-watch';
import type { ConsoleHandlers } from './handler-types';

type Handlers = ConsoleHandlers['requests'];

export function deployHandlers(plane: ControlPlane, fleet: FleetWatch): Pick<Handlers, 'deploy:create' | 'deploy:rollback'> {
  const reporters = (progress: (value: DeployProgress) => void) => ({
    onStep: (step: DeployStep) => {
      progress({ kind: 'step', step: step.step, message: step.message, at: step.at });
      // The fleet table shows a new version as soon as it is active, not at the next tick.
      if (step.step === 'active') fleet.poke();
    },
    onProgress: (event: ProgressEvent) => progress({ kind: 'log', phase: event.phase, message: event.message, at: new Date().toISOString() }),
  });
  return {
    'deploy:create': async ({ projectDir, target, environment, idempotencyKey, kubernetes }, { principal, signal, progress }) =>
      plane.controller().deploy(projectDir, {
        target,
        actor: principal.user,
        role: principal.role,
        signal,
        ...(environment ? { environment } : {}),
        ...(idempotencyKey ? { idempotencyKey } : {}),
        // Context, namespace (created with Pod Security labels when new) and autoscaling; the schema allows it for kubernetes only.
        ...(kubernetes ? { kubernetes } : {}),
        ...reporters(progress),
      }),

    'deploy:rollback': async ({ agent, version, target }, { principal, signal, progress }) =>
      plane.controller().rollback(agent, version, { target, actor: principal.user, role: principal.role, signal, ...reporters(progress) }),
  };
}
