/** The deploy stepper's model: which steps are done, current, failed, from the progress so far. */
import type { DeployProgress, DeployStepName } from '../../../../src-shared/ipc/console-types';

/** The happy path, in order (rolling_back and failed are not steps of it but outcomes). */
export const DEPLOY_STEPS: readonly { step: DeployStepName; label: string }[] = [
  { step: 'validating', label: 'Validating' },
  { step: 'building', label: 'Building' },
  { step: 'registering', label: 'Registering' },
  { step: 'starting', label: 'Starting' },
  { step: 'health_gate', label: 'Health gate' },
  { step: 'switching', label: 'Switching' },
  { step: 'active', label: 'Active' },
];

export type StepState = 'pending' | 'current' | 'done' | 'failed';

/** The state of every step given the progress received and whether the request has failed. */
export function stepStates(progress: readonly DeployProgress[], outcome: 'running' | 'succeeded' | 'failed'): StepState[] {
  let reached = -1;
  for (const item of progress) {
    if (item.kind !== 'step') continue;
    const index = DEPLOY_STEPS.findIndex((entry) => entry.step === item.step);
    if (index > reached) reached = index;
  }
  return DEPLOY_STEPS.map((_, index) => {
    if (outcome === 'succeeded') return 'done';
    if (index < reached) return 'done';
    if (index === reached) return outcome === 'failed' ? 'failed' : DEPLOY_STEPS[index]?.step === 'active' ? 'done' : 'current';
    return 'pending';
  });
}

/** Whether the deploy rolled back (a `rolling_back` step arrived). */
export function rolledBack(progress: readonly DeployProgress[]): boolean {
  return progress.some((item) => item.kind === 'step' && item.step === 'rolling_back');
}
