/**
 * Small helpers around the engine API: error classification and mapping to CoreError, loopback
 * port allocation, and idempotent networks.
 */
import type Dockerode from 'dockerode';
import { CoreError } from '../../contracts';
import type { CoreErrorCode } from '../../contracts';

interface EngineError {
  statusCode?: number;
  code?: string;
  json?: { message?: string } | null;
  message?: string;
}

/** HTTP status of an engine error (404 not found, 304 already in that state, 409 conflict). */
export function engineStatus(error: unknown): number | undefined {
  return (error as EngineError | undefined)?.statusCode;
}

/** The engine's own message, without dockerode's "(HTTP code 409) unexpected - " prefix. */
export function engineMessage(error: unknown): string {
  const engine = error as EngineError | undefined;
  return engine?.json?.message ?? engine?.message ?? String(error);
}

const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOENT', 'EACCES', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH']);

/** A CoreError for an engine failure: E2020 when the engine cannot be reached, else `code`. */
export function toCoreError(error: unknown, code: CoreErrorCode, doing: string): CoreError {
  if (error instanceof CoreError) return error;
  const engine = error as EngineError | undefined;
  if (engine?.code !== undefined && UNREACHABLE.has(engine.code)) {
    const hint = engine.code === 'EACCES' ? 'give this user access to the Docker socket (docker group)' : 'start Docker (Linux: scripts/ensure-docker.sh or `systemctl start docker`)';
    return new CoreError('E2020', `cannot reach the Docker engine while ${doing} (${engine.code}); ${hint}`, { cause: engine.code });
  }
  const message = engineMessage(error);
  if (/could not find an available, non-overlapping IPv4 address pool/i.test(message)) {
    return new CoreError(code, `${doing}: the Docker engine has no free network address pool left (each STANDARD/UNTRUSTED deployment gets its own network); delete unused deployments or widen default-address-pools in daemon.json`);
  }
  return new CoreError(code, `${doing}: ${message}`, engine?.statusCode !== undefined ? { status: engine.statusCode } : undefined);
}

/** Runs an engine call that may find the object already gone or already in the wanted state. */
export async function tolerate(call: Promise<unknown>, statuses: readonly number[] = [304, 404]): Promise<void> {
  try {
    await call;
  } catch (error) {
    const status = engineStatus(error);
    if (status === undefined || !statuses.includes(status)) throw error;
  }
}

/** True when a start failed because the chosen host port is taken by someone else. */
export function isPortConflict(error: unknown): boolean {
  return /port is already allocated|address already in use/i.test(engineMessage(error));
}

/** Creates a bridge network (internal: no route out) unless one with that exact name exists. */
export async function ensureNetwork(docker: Dockerode, name: string, internal: boolean, labels: Record<string, string>): Promise<void> {
  // The name filter matches substrings: compare exactly.
  const found = await docker.listNetworks({ filters: { name: [name] } });
  if (found.some((network) => network.Name === name)) return;
  await docker.createNetwork({ Name: name, Driver: 'bridge', Internal: internal, CheckDuplicate: true, Labels: labels });
}
