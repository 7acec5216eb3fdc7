import { describe, expect, it } from 'vitest';
import type { DeployProgress } from '../../../../src-shared/ipc/console-types';
import { rolledBack, stepStates } from './deploy-steps';

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
