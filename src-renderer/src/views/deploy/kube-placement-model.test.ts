import { describe, expect, it } from 'vitest';
import { ConsoleRequestError } from '../../../../src-shared/ipc/envelope';
import { contextLabel, initialContext, isNewNamespace, namespaceListState, namespaceProblem, namespaceSuggestions, parseAutoscale } from './kube-placement-model';

const contexts = [
  { name: 'staging', cluster: 'eks-staging', user: 'ann', namespace: 'default', current: false },
  { name: 'kind-dev', cluster: 'kind-dev', user: 'kind-dev', namespace: 'team-a', current: true },
];

describe('namespaceListState', () => {
  it('is loading while the context is asked (retries included), listed once it answers', () => {
    expect(namespaceListState('kind-dev', { error: null, isFetching: true })).toEqual({ state: 'loading', context: 'kind-dev' });
    expect(namespaceListState('kind-dev', { error: new Error('x'), isFetching: true })).toEqual({ state: 'loading', context: 'kind-dev' });
    expect(namespaceListState('kind-dev', { data: { namespaces: ['default', 'team-a'] }, error: null, isFetching: false })).toEqual({ state: 'ok', context: 'kind-dev', namespaces: ['default', 'team-a'] });
  });

  it("takes offline, unauthorized and forbidden from the failure's details, with its message", () => {
    const failed = (problem: string | undefined) =>
      namespaceListState('kind-dev', { error: new ConsoleRequestError({ code: 'E2020', name: 'TargetUnavailable', message: `why ${problem}`, ...(problem ? { details: { context: 'kind-dev', problem } } : {}) }), isFetching: false });
    expect(failed('offline')).toEqual({ state: 'offline', context: 'kind-dev', message: 'why offline' });
    expect(failed('unauthorized')).toMatchObject({ state: 'unauthorized' });
    expect(failed('forbidden')).toMatchObject({ state: 'forbidden' });
    // Without the typed details (the connection dropped): offline, which a retry can fix.
    expect(failed(undefined)).toMatchObject({ state: 'offline', message: 'why undefined' });
  });
});

describe('the picker', () => {
  it('preselects the current context and labels each with cluster, user and default namespace', () => {
    expect(initialContext(contexts)?.name).toBe('kind-dev');
    expect(initialContext([contexts[0]!])?.name).toBe('staging');
    expect(initialContext([])).toBeUndefined();
    expect(contextLabel(contexts[1]!)).toBe('kind-dev (current) — cluster kind-dev · user kind-dev · namespace team-a');
  });

  it('accepts DNS-label namespaces and says which are new to the listed context', () => {
    expect(namespaceProblem('team-a')).toBeNull();
    expect(namespaceProblem('')).toBe('Name a namespace.');
    expect(namespaceProblem('Team_A')).toMatch(/lowercase letters, digits and dashes/);
    expect(namespaceProblem('a'.repeat(64))).not.toBeNull();
    const listed = { state: 'ok', context: 'kind-dev', namespaces: ['default', 'team-a'] } as const;
    expect(isNewNamespace('team-b', listed)).toBe(true);
    expect(isNewNamespace('team-a', listed)).toBe(false);
    // Unknown while the list is not there (forbidden to list): never claimed new.
    expect(isNewNamespace('team-b', { state: 'forbidden', context: 'kind-dev', message: '' })).toBe(false);
  });

  it('reads autoscaling as neither or both, whole, max ≥ min', () => {
    expect(parseAutoscale('', '')).toEqual({ ok: true });
    expect(parseAutoscale('1', '3')).toEqual({ ok: true, value: { minReplicas: 1, maxReplicas: 3 } });
    expect(parseAutoscale('2', '')).toMatchObject({ ok: false, problem: expect.stringContaining('both') });
    expect(parseAutoscale('0', '3')).toMatchObject({ ok: false, problem: expect.stringContaining('Minimum') });
    expect(parseAutoscale('1.5', '3')).toMatchObject({ ok: false });
    expect(parseAutoscale('4', '3')).toMatchObject({ ok: false, problem: 'The maximum must be at least the minimum.' });
  });

  it('offers the chosen and default namespaces first, and what matches a partial name', () => {
    const many = ['apps', 'batch-1', 'batch-2', 'batch-3', 'default', 'kube-system', 'team-a', 'team-b'];
    expect(namespaceSuggestions(many, 'team-b', 'default', 3)).toEqual({ shown: ['team-b', 'default', 'apps'], hidden: 5 });
    expect(namespaceSuggestions(many, '', 'kube-system', 2)).toEqual({ shown: ['kube-system', 'apps'], hidden: 6 });
    expect(namespaceSuggestions(many, 'team', 'default', 5)).toEqual({ shown: ['team-a', 'team-b'], hidden: 0 });
    expect(namespaceSuggestions(many, 'new-one', 'default', 5)).toEqual({ shown: [], hidden: 0 });
  });
});
