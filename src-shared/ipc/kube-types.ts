/**
 * What the Deploy view's Kubernetes picker gets back: the namespaces of one kubeconfig context,
 * or — as the `details` of a failed `kube:namespaces` — why the context could not be listed, in a
 * form the view can branch on (offline: retry later; unauthorized: log in again; forbidden: the
 * credentials work but RBAC says no). Platform-free, so main and the renderer share it.
 */

/** `kube:namespaces`: the namespaces one context's API server lists, sorted. */
export interface KubeNamespaceList {
  context: string;
  namespaces: string[];
}

/**
 * Why a context gave no namespaces: `offline` (no answer: refused, unresolvable, timed out, or the
 * kubeconfig cannot be used), `unauthorized` (401: the credentials were refused), `forbidden` (403:
 * the user may not list namespaces; deploying to a namespace typed by hand may still be allowed).
 */
export type KubeContextProblem = 'offline' | 'unauthorized' | 'forbidden';

/** The `details` of a failed `kube:namespaces`. */
export interface KubeNamespacesFailureDetails {
  context: string;
  problem: KubeContextProblem;
}

const PROBLEMS: readonly KubeContextProblem[] = ['offline', 'unauthorized', 'forbidden'];

/** The problem a failed `kube:namespaces` carries in its details, if it carries one. */
export function kubeContextProblem(details: Record<string, unknown> | undefined): KubeContextProblem | undefined {
  const problem = details?.problem;
  return typeof problem === 'string' && (PROBLEMS as readonly string[]).includes(problem) ? (problem as KubeContextProblem) : undefined;
}
