/**
 * The Kubernetes picker's model, apart from React: what the namespace list of the opened context
 * is (loading, listed, or why not: offline, unauthorized, forbidden), whether a typed namespace is
 * usable and new, and the placement a deploy sends. Kept pure so it is tested without a browser.
 */
import type { EnvironmentReport } from '../../../../src-shared/ipc/console-types';
import { isDnsLabel } from '../../../../src-shared/dockfile/names';
import { ConsoleRequestError } from '../../../../src-shared/ipc/envelope';
import { kubeContextProblem } from '../../../../src-shared/ipc/kube-types';
import type { KubeContextProblem } from '../../../../src-shared/ipc/kube-types';

export type KubeContextOption = EnvironmentReport['kubernetes']['contexts'][number];

export type NamespaceListState =
  | { state: 'loading'; context: string }
  | { state: 'ok'; context: string; namespaces: readonly string[] }
  | { state: KubeContextProblem; context: string; message: string };

/** The state of the opened context's namespace list from its query. */
export function namespaceListState(context: string, query: { data?: { namespaces: readonly string[] } | undefined; error: unknown; isFetching: boolean }): NamespaceListState {
  if (query.isFetching || (query.data === undefined && !query.error)) return { state: 'loading', context };
  if (query.data !== undefined && !query.error) return { state: 'ok', context, namespaces: query.data.namespaces };
  const error = query.error;
  const message = error instanceof Error ? error.message : String(error);
  // A failure without the typed details (a dropped connection, a bug) reads as offline: retrying is the way out.
  const problem = error instanceof ConsoleRequestError ? (kubeContextProblem(error.details) ?? 'offline') : 'offline';
  return { state: problem, context, message };
}

/** The context preselected: the kubeconfig's current one, else the first. */
export function initialContext(contexts: readonly KubeContextOption[]): KubeContextOption | undefined {
  return contexts.find((context) => context.current) ?? contexts[0];
}

/** One line per context for its option: name, then cluster, user and default namespace. */
export function contextLabel(context: KubeContextOption): string {
  return `${context.name}${context.current ? ' (current)' : ''} — cluster ${context.cluster} · user ${context.user || '(none)'} · namespace ${context.namespace}`;
}

/** What is wrong with a typed namespace, or null when it is a valid name. */
export function namespaceProblem(namespace: string): string | null {
  if (namespace === '') return 'Name a namespace.';
  if (!isDnsLabel(namespace)) return 'A namespace name is lowercase letters, digits and dashes, at most 63 characters, starting and ending with a letter or digit.';
  return null;
}

/** Whether the deploy will create the namespace: the context listed its namespaces and this is not one of them. */
export function isNewNamespace(namespace: string, list: NamespaceListState): boolean {
  return list.state === 'ok' && namespace !== '' && !list.namespaces.includes(namespace);
}

/** Autoscaling as typed: none when both fields are empty, else both whole numbers with max ≥ min ≥ 1. */
export function parseAutoscale(min: string, max: string): { ok: true; value?: { minReplicas: number; maxReplicas: number } } | { ok: false; problem: string } {
  if (min.trim() === '' && max.trim() === '') return { ok: true };
  const minReplicas = Number(min);
  const maxReplicas = Number(max);
  if (min.trim() === '' || max.trim() === '') return { ok: false, problem: 'Autoscaling needs both a minimum and a maximum (or neither).' };
  if (!Number.isInteger(minReplicas) || minReplicas < 1 || minReplicas > 100) return { ok: false, problem: 'Minimum replicas: a whole number from 1 to 100.' };
  if (!Number.isInteger(maxReplicas) || maxReplicas < 1 || maxReplicas > 1000) return { ok: false, problem: 'Maximum replicas: a whole number from 1 to 1000.' };
  if (maxReplicas < minReplicas) return { ok: false, problem: 'The maximum must be at least the minimum.' };
  return { ok: true, value: { minReplicas, maxReplicas } };
}

/**
 * The namespaces offered as buttons, at most `limit`: while a partial name is typed, those that
 * contain it; otherwise the chosen one and the context's default first, then the rest in order.
 * A cluster with hundreds of namespaces still shows the ones that matter.
 */
export function namespaceSuggestions(namespaces: readonly string[], typed: string, contextDefault: string, limit: number): { shown: string[]; hidden: number } {
  const exact = namespaces.includes(typed);
  const candidates = typed !== '' && !exact ? namespaces.filter((namespace) => namespace.includes(typed)) : namespaces;
  const pinned = [typed, contextDefault].filter((namespace, index, all) => candidates.includes(namespace) && all.indexOf(namespace) === index);
  const ordered = [...pinned, ...candidates.filter((namespace) => !pinned.includes(namespace))];
  return { shown: ordered.slice(0, limit), hidden: Math.max(0, ordered.length - limit) };
}
