import { describe, expect, it } from 'vitest';
import type { DeployProgress } from '../../../../src-shared/ipc/console-types';
import { currentActivity, rolledBack, stepMessages, stepStates } from './deploy-steps';

const at = '2025-03-10T12:00:00.000Z';
const step = (name: Extract<DeployProgress, { kind: 'step' }>['step']): DeployProgress => ({ kind: 'step', step: name, message: name, at });

describe('stepStates', () => {
  it('marks earlier steps done and the latest current, ignoring log lines', () => {
    const progress = [step('validating'), step('building'), { kind: 'log', phase: 'build', message: 'npm ci', at } as const];
    expect(stepStates(progress, 'running')).toEqual(['done', 'current', 'pending', 'pending', 'pending', 'pending', 'pending']);
  });

  it('marks the step that failed', () => {
    expect(stepStates([step('validating'), step('building'), step('registering'), step('starting'), step('health_gate'), step('rolling_back')], 'failed')).toEqual([
      'done',
      'done',
      'done',
      'done',
      'failed',
      'pending',
      'pending',
    ]);
    expect(rolledBack([step('rolling_back')])).toBe(true);
  });

  it('is all done on success', () => {
    expect(stepStates([step('validating')], 'succeeded').every((state) => state === 'done')).toBe(true);
    expect(stepStates([], 'running').every((state) => state === 'pending')).toBe(true);
  });
});

describe('stepMessages and currentActivity', () => {
  const log = (phase: string, message: string): DeployProgress => ({ kind: 'log', phase, message, at });

  it("keeps each step's latest message", () => {
    const progress: DeployProgress[] = [step('starting'), { kind: 'step', step: 'health_gate', message: '1 replica(s) ready in kind-dev/team-a', at }];
    expect(stepMessages(progress)).toEqual({ starting: 'starting', health_gate: '1 replica(s) ready in kind-dev/team-a' });
  });

  it("shows the target's newest line while a step runs, skipping lines with nothing to read", () => {
    const progress: DeployProgress[] = [step('starting'), log('pushing', 'pushed registry.example.com/a:1'), log('starting', 'rolling out a v1 in kind-dev/team-a'), log('building', '  ---> ')];
    expect(currentActivity(progress)).toEqual({ phase: 'starting', message: 'rolling out a v1 in kind-dev/team-a' });
    expect(currentActivity([step('health_gate')])).toEqual({ message: 'health_gate' });
    expect(currentActivity([])).toBeUndefined();
  });
});
