import { describe, expect, it } from 'vitest';
import { consoleContract, roleAllows as contractRoleAllows } from '../../../src-shared/ipc/contract';
import type { ConsoleRole } from '../../../src-shared/ipc/console-types';
import { consoleRoleRequirements, roleAllows } from './role-requirements';

describe('consoleRoleRequirements', () => {
  it('matches the roles the contract declares, channel for channel', () => {
    const fromContract = Object.fromEntries(Object.entries(consoleContract.requests).map(([channel, definition]) => [channel, definition.role]));
    expect(consoleRoleRequirements).toEqual(fromContract);
  });

  it('ranks roles as the contract does', () => {
    const roles: ConsoleRole[] = ['viewer', 'developer', 'admin'];
    for (const role of roles) for (const required of roles) expect(roleAllows(role, required)).toBe(contractRoleAllows(role, required));
  });
});
