/**
 * The Deploy view's Kubernetes picker (issue 6): the namespaces of one kubeconfig context, asked
 * only when the user opens that context. The Kubernetes target connects lazily and its client has
 * no deadline of its own, so the answer is bounded here: a cluster that never answers costs the
 * view `timeoutMs`, never a spinner that does not end. A failure keeps the target's message (what
 * failed, on which cluster, what to do) and adds `details.problem` — offline, unauthorized or
 * forbidden — so the view can show the right state and offer a retry.
 */
import type { KubeContextProblem, KubeNamespacesFailureDetails } from '../../../src-shared/ipc/kube-types';
import type { ControlPlane } from '../control-plane';
import { CoreError, errorMessage } from '../contracts';
import { KubernetesTarget } from '../targets/kubernetes/kubernetes-target';
import { ConsoleHandlerError } from './console-session';
import type { ConsoleHandlers } from './handler-types';
import { kubeconfigFiles } from '../targets/kubernetes/kube-client';
import { readKubeconfig } from './kubeconfig';

type Handlers = ConsoleHandlers['requests'];
type Env = Readonly<Record<string, string | undefined>>;

/** How long a context may take to list its namespaces before the view is told it is offline (ms). */
export const DEFAULT_KUBE_NAMESPACES_TIMEOUT_MS = 5000;

export interface KubeHandlerOptions {
  /** Where KUBECONFIG and HOME are read to check the context exists (default process.env). */
  env?: Env;
  /** Per `kube:namespaces` (default 5 s). */
  timeoutMs?: number;
}

export function kubeHandlers(plane: ControlPlane, options: KubeHandlerOptions = {}): Pick<Handlers, 'kube:namespaces'> {
  const env = options.env ?? process.env;
  const timeoutMs = options.timeoutMs ?? DEFAULT_KUBE_NAMESPACES_TIMEOUT_MS;
  return {
    'kube:namespaces': async ({ context }, { signal }) => {
      const target = plane.targets.kubernetes;
      if (!(target instanceof KubernetesTarget)) {
        throw failure('E2020', context, 'offline', `The Kubernetes target is not set up: no kubeconfig file was there when AgentDock started (${kubeconfigFiles(env).join(', ')}). Create one (kubectl config, kind, a cloud CLI) or set KUBECONFIG, then restart AgentDock.`);
      }
      const config = await readKubeconfig(env);
      if (!config.contexts.some((candidate) => candidate.name === context)) {
        throw new ConsoleHandlerError('E3008', `No kubeconfig context named ${context}${config.files.length > 0 ? ` in ${config.files.join(', ')}` : ' (no kubeconfig file found)'}; reload the Deploy view to see the contexts there are.`, { context });
      }
      try {
        return { context, namespaces: await withDeadline(target.namespaces(context), timeoutMs, signal, context) };
      } catch (error) {
        // The next try (Retry, after a new login) reads the kubeconfig and connects afresh.
        target.reconnect(context);
        throw asProblem(error, context);
      }
    },
  };
}

/** The target's error with the problem the view branches on; its code and message are kept. */
function asProblem(error: unknown, context: string): CoreError {
  if (!(error instanceof CoreError)) return failure('E2020', context, 'offline', `Listing the namespaces of context ${context} failed: ${errorMessage(error)}`);
  const status = error.details?.status;
  const problem: KubeContextProblem = status === 401 ? 'unauthorized' : status === 403 || error.code === 'E2040' ? 'forbidden' : 'offline';
  return failure(error.code, context, problem, error.message, error.details);
}

function failure(code: CoreError['code'], context: string, problem: KubeContextProblem, message: string, details?: Record<string, unknown>): CoreError {
  const typed: KubeNamespacesFailureDetails = { context, problem };
  return new CoreError(code, message, { ...details, ...typed });
}

/** `promise`, or an offline error once `timeoutMs` passes; the caller's cancel ends the wait too. */
async function withDeadline<T>(promise: Promise<T>, timeoutMs: number, signal: AbortSignal, context: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  // The target's request goes on in the background until its own socket gives up; nothing waits for it.
  promise.catch(() => undefined);
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new CoreError('E2020', `No answer from the API server of context ${context} within ${timeoutMs / 1000} s: the cluster may be down, or behind a VPN or firewall. Retry once it is up.`)), timeoutMs);
        // The session answers a cancelled request with E3003 whatever this rejects with.
        onAbort = () => reject(new Error('cancelled'));
        signal.addEventListener('abort', onAbort, { once: true });
      }),
    ]);
  } finally {
    clearTimeout(timer);
    if (onAbort) signal.removeEventListener('abort', onAbort);
  }
}
