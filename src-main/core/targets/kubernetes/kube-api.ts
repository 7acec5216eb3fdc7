/**
 * The few API calls the Kubernetes target makes, over client-node's generic object API, and one
 * translation of every failure into an error that says what failed, on which cluster, and what to
 * do: an unreachable API server (retried by the controller as transient), refused credentials,
 * missing RBAC permissions, an object the API server rejects.
 */
import { ApiException, PatchStrategy } from '@kubernetes/client-node';
import type { KubernetesObject } from '@kubernetes/client-node';
import { CoreError, errorMessage } from '../../contracts';
import type { KubeClients } from './kube-client';
import { FIELD_MANAGER } from './manifests';
import type { KubeObject } from './manifests';

/** Network errors that mean "the API server is not reachable now" (the controller retries them). */
const UNREACHABLE = /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|ENOTFOUND|EAI_AGAIN|EPIPE|socket hang up|other side closed|fetch failed|UND_ERR|timed? ?out|aborted/i;

interface StatusBody {
  message?: string;
  reason?: string;
  details?: { causes?: { message?: string; field?: string }[] };
}

function statusBody(error: ApiException<unknown>): StatusBody {
  const body = error.body;
  if (typeof body === 'string') {
    try {
      return JSON.parse(body) as StatusBody;
    } catch {
      return { message: body };
    }
  }
  return (body ?? {}) as StatusBody;
}

/** The HTTP status of a failed API call, when the server answered. */
export function apiStatus(error: unknown): number | undefined {
  return error instanceof ApiException ? error.code : undefined;
}

/** True when the API server could not be reached at all (no answer). */
export function isUnreachable(error: unknown): boolean {
  if (error instanceof ApiException) return false;
  const cause = (error as { cause?: unknown })?.cause;
  return UNREACHABLE.test(errorMessage(error)) || (cause !== undefined && UNREACHABLE.test(`${(cause as { code?: string }).code ?? ''} ${errorMessage(cause)}`));
}

/** A CoreError for a failed call: `doing` is what was attempted ("applying Deployment demo in ns team-a"). */
export function kubeFailure(error: unknown, clients: Pick<KubeClients, 'context' | 'server'>, doing: string): CoreError {
  if (error instanceof CoreError) return error;
  const where = `context ${clients.context} (${clients.server})`;
  if (error instanceof ApiException) {
    const body = statusBody(error);
    const causes = body.details?.causes?.map((c) => (c.field ? `${c.field}: ${c.message}` : c.message)).filter(Boolean) ?? [];
    const said = [body.message, ...causes].filter(Boolean).join('; ') || `HTTP ${error.code}`;
    switch (error.code) {
      case 401:
        return new CoreError('E2020', `${doing}: the API server of ${where} refused the credentials (401). Log in again (your cloud CLI or kubelogin), or check the user in the kubeconfig.`, { status: 401 });
      case 403:
        return new CoreError('E2040', `${doing}: forbidden on ${where}: ${said}. Ask a cluster admin for RBAC permission, or pick a namespace you may deploy to.`, { status: 403 });
      case 404:
        return new CoreError('E2021', `${doing}: not found on ${where}: ${said}.`, { status: 404 });
      case 409:
        return new CoreError('E2021', `${doing}: conflict on ${where}: ${said}. Another field manager owns these fields; retry, or remove the conflicting change.`, { status: 409 });
      case 422:
      case 400:
        return new CoreError('E2021', `${doing}: the API server of ${where} rejected the object: ${said}.`, { status: error.code });
      case 429:
        return new CoreError('E2020', `${doing}: the API server of ${where} is throttling requests (429); retrying.`, { status: 429 });
      default:
        // Exhausted cluster resources do not come back by retrying.
        if (/range is full|exceeded quota|quota exceeded/i.test(said)) return new CoreError('E2021', `${doing}: ${where} is out of room: ${said}. Free some (delete unused Services or agents) or ask a cluster admin to raise it.`, { status: error.code });
        if (error.code >= 500) return new CoreError('E2020', `${doing}: the API server of ${where} failed (HTTP ${error.code}): ${said}. Retrying.`, { status: error.code });
        return new CoreError('E2021', `${doing}: HTTP ${error.code} from ${where}: ${said}.`, { status: error.code });
    }
  }
  if (isUnreachable(error)) {
    return new CoreError('E2020', `${doing}: the Kubernetes API server of ${where} cannot be reached (${errorMessage((error as { cause?: unknown }).cause ?? error)}). Is the cluster running and the network up? Check with: kubectl --context ${clients.context} get --raw /readyz`);
  }
  return new CoreError('E2021', `${doing} on ${where} failed: ${errorMessage(error)}`);
}

/** Server-side apply with AgentDock's field manager; `force` takes fields over from other managers (kubectl edits). */
export async function applyObject<T extends KubeObject>(clients: KubeClients, object: T): Promise<T> {
  try {
    return (await clients.objects.patch(object as KubernetesObject, undefined, undefined, FIELD_MANAGER, true, PatchStrategy.ServerSideApply)) as unknown as T;
  } catch (error) {
    throw kubeFailure(error, clients, `applying ${object.kind} ${object.metadata.namespace ? `${object.metadata.namespace}/` : ''}${object.metadata.name}`);
  }
}

/** The object, or undefined when it does not exist. */
export async function readObject<T extends KubeObject>(clients: KubeClients, ref: { apiVersion: string; kind: string; name: string; namespace?: string }): Promise<T | undefined> {
  try {
    return (await clients.objects.read({ apiVersion: ref.apiVersion, kind: ref.kind, metadata: { name: ref.name, ...(ref.namespace ? { namespace: ref.namespace } : {}) } })) as unknown as T;
  } catch (error) {
    if (apiStatus(error) === 404) return undefined;
    throw kubeFailure(error, clients, `reading ${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}`);
  }
}

/** Deletes the object (its dependents in the background); absent is fine. */
export async function deleteObject(clients: KubeClients, ref: { apiVersion: string; kind: string; name: string; namespace?: string }): Promise<void> {
  try {
    await clients.objects.delete({ apiVersion: ref.apiVersion, kind: ref.kind, metadata: { name: ref.name, ...(ref.namespace ? { namespace: ref.namespace } : {}) } }, undefined, undefined, undefined, undefined, 'Background');
  } catch (error) {
    if (apiStatus(error) === 404) return;
    throw kubeFailure(error, clients, `deleting ${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}`);
  }
}

/** Objects of a kind matching a label selector, in one namespace or (namespace undefined) all. */
export async function listObjects<T extends KubeObject>(clients: KubeClients, apiVersion: string, kind: string, namespace: string | undefined, labelSelector: string): Promise<T[]> {
  const items: T[] = [];
  let continueToken: string | undefined;
  try {
    do {
      const page = await clients.objects.list(apiVersion, kind, namespace, undefined, undefined, undefined, undefined, labelSelector, 500, continueToken);
      items.push(...(page.items as unknown as T[]));
      continueToken = page.metadata?._continue || undefined;
    } while (continueToken);
  } catch (error) {
    throw kubeFailure(error, clients, `listing ${kind.toLowerCase()}s${namespace ? ` in ${namespace}` : ''}`);
  }
  return items;
}
