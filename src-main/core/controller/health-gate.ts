/**
 * The deploy health gate: a new version takes traffic only when every replica answers `/ready`
 * with 200 within the timeout. Polls with a short, capped backoff; never waits past the deadline.
 */
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

export type HealthGateResult = { ok: true; waitedMs: number } | { ok: false; waitedMs: number; notReady: { endpoint: string; lastStatus: string }[] };

/** Waits until every endpoint's `/ready` answers 200, or the timeout passes. */
export async function waitUntilReady(endpoints: readonly string[], options: HealthGateOptions): Promise<HealthGateResult> {
  const clock = options.clock ?? Date.now;
  const fetchImpl = options.fetchImpl ?? fetch;
  const started = clock();
  const deadline = started + options.timeoutMs;
  let interval = options.intervalMs ?? 50;
  const pending = new Map(endpoints.map((endpoint) => [endpoint, 'not probed yet']));
  while (pending.size > 0) {
    await Promise.all(
      [...pending.keys()].map(async (endpoint) => {
        // Each probe gets at least 250 ms, so the final probe near the deadline is a real answer.
        const probeMs = Math.min(2000, Math.max(250, deadline - clock()));
        try {
          const response = await fetchImpl(`${endpoint}/ready`, { signal: AbortSignal.any([AbortSignal.timeout(probeMs), ...(options.signal ? [options.signal] : [])]) });
          await response.arrayBuffer().catch(() => undefined);
          if (response.status === 200) pending.delete(endpoint);
          else pending.set(endpoint, `HTTP ${response.status}`);
        } catch (error) {
          pending.set(endpoint, errorMessage(error));
        }
      }),
    );
    if (pending.size === 0) break;
    if (options.signal?.aborted || clock() >= deadline) {
      return { ok: false, waitedMs: clock() - started, notReady: [...pending].map(([endpoint, lastStatus]) => ({ endpoint, lastStatus })) };
    }
    await new Promise((resolve) => setTimeout(resolve, Math.min(interval, Math.max(1, deadline - clock()))));
    interval = Math.min(interval * 2, options.maxIntervalMs ?? 500);
  }
  return { ok: true, waitedMs: clock() - started };
}
