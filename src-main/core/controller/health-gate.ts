/**
 * The deploy health gate: a new version takes traffic only when every replica answers `/ready`
 * with 200 within the timeout. Polls with a short, capped backoff; never waits past the deadline.
 * A replica whose agent failed to load for good (the runtime's `AgentLoadFailed`: an import error,
 * a missing entrypoint) ends the wait at once with the runtime's reason: waiting cannot fix it.
 */
import { parseErrorEnvelope } from '../../runtime/http/errors';
import { errorMessage } from '../contracts';

export interface HealthGateOptions {
  timeoutMs: number;
  /** First poll interval; doubles up to `maxIntervalMs`. */
  intervalMs?: number;
  maxIntervalMs?: number;
  signal?: AbortSignal;
  fetchImpl?: typeof fetch;
  clock?: () => number;
}

export type HealthGateResult =
  | { ok: true; waitedMs: number }
  | {
      ok: false;
      waitedMs: number;
      notReady: { endpoint: string; lastStatus: string }[];
      /** The agent cannot load (the runtime's reason): no amount of waiting would have helped. */
      loadFailure?: string;
    };

/** Waits until every endpoint's `/ready` answers 200, or the timeout passes. */
export async function waitUntilReady(endpoints: readonly string[], options: HealthGateOptions): Promise<HealthGateResult> {
  const clock = options.clock ?? Date.now;
  const fetchImpl = options.fetchImpl ?? fetch;
  const started = clock();
  const deadline = started + options.timeoutMs;
  let interval = options.intervalMs ?? 50;
  const pending = new Map(endpoints.map((endpoint) => [endpoint, 'not probed yet']));
  let loadFailure: string | undefined;
  while (pending.size > 0) {
    await Promise.all(
      [...pending.keys()].map(async (endpoint) => {
        // Each probe gets at least 250 ms, so the final probe near the deadline is a real answer.
        const probeMs = Math.min(2000, Math.max(250, deadline - clock()));
        try {
          const response = await fetchImpl(`${endpoint}/ready`, { signal: AbortSignal.any([AbortSignal.timeout(probeMs), ...(options.signal ? [options.signal] : [])]) });
          const body = await response.text().catch(() => '');
          if (response.status === 200) pending.delete(endpoint);
          else {
            const failure = agentLoadFailure(body);
            if (failure) loadFailure ??= failure;
            pending.set(endpoint, failure ?? `HTTP ${response.status}`);
          }
        } catch (error) {
          pending.set(endpoint, errorMessage(error));
        }
      }),
    );
    if (pending.size === 0) break;
    if (loadFailure !== undefined || options.signal?.aborted || clock() >= deadline) {
      return { ok: false, waitedMs: clock() - started, notReady: [...pending].map(([endpoint, lastStatus]) => ({ endpoint, lastStatus })), ...(loadFailure !== undefined ? { loadFailure } : {}) };
    }
    await new Promise((resolve) => setTimeout(resolve, Math.min(interval, Math.max(1, deadline - clock()))));
    interval = Math.min(interval * 2, options.maxIntervalMs ?? 500);
  }
  return { ok: true, waitedMs: clock() - started };
}

/** The runtime's reason from an `AgentLoadFailed` answer (error envelope), else undefined. */
function agentLoadFailure(body: string): string | undefined {
  const envelope = parseErrorEnvelope(body);
  return envelope?.error === 'AgentLoadFailed' ? envelope.detail : undefined;
}
