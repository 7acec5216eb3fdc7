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

/** Each step's latest message (a pill's detail: "1 replica(s) ready in ctx/ns"). */
export function stepMessages(progress: readonly DeployProgress[]): Partial<Record<DeployStepName, string>> {
  const messages: Partial<Record<DeployStepName, string>> = {};
  for (const item of progress) if (item.kind === 'step') messages[item.step] = item.message;
  return messages;
}

/**
 * What is happening now: the newest line, from the controller (a step) or the target (building,
 * pushing, starting: "rolling out… in ctx/ns", "1 of 2 new pods ready"). A build's log lines that
 * are blank or only punctuation say nothing on their own and are skipped.
 */
export function currentActivity(progress: readonly DeployProgress[]): { phase?: string; message: string } | undefined {
  for (let index = progress.length - 1; index >= 0; index--) {
    const item = progress[index]!;
    const message = item.message.trim();
    if (!/[\p{L}\p{N}]/u.test(message)) continue;
    // A step's message already names it ("building support-bot"); a target's line gets its phase.
    return item.kind === 'log' ? { phase: item.phase, message } : { message };
  }
  return undefined;
}
