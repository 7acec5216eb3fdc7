/**
 * Cost attribution for in-process (JavaScript) agents: every run executes inside an
 * AsyncLocalStorage context holding its trace id, and a wrapper around `globalThis.fetch` adds
 * TRACE_HEADER to requests bound for the runtime's own LLM proxy — so the proxy can charge the call
 * to the run without the agent's code knowing about AgentDock. Requests to any other host never
 * get the header (the trace id is ours, not something to leak to third parties).
 *
 * The wrapper must be installed before the agent's module loads: SDKs such as `openai` capture
 * `globalThis.fetch` when their client is constructed, often at module top level.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { TRACE_HEADER } from '../contracts';

const traceStore = new AsyncLocalStorage<string>();
/** Base URLs (origin + path prefix) of the LLM proxies registered by live adapters. */
const proxyBases = new Map<string, { origin: string; path: string; users: number }>();
let originalFetch: typeof fetch | undefined;

/** Runs `fn` with `traceId` as the current run's trace id. */
export function runWithTraceId<T>(traceId: string, fn: () => T): T {
  return traceStore.run(traceId, fn);
}

/** The trace id of the run whose code is executing, if any. */
export function currentTraceId(): string | undefined {
  return traceStore.getStore();
}

/** True when `url` is under `base` (same origin, path prefix on a segment boundary). */
export function isUnderBaseUrl(url: string, base: { origin: string; path: string }): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.origin !== base.origin) return false;
  if (base.path === '/' || parsed.pathname === base.path) return true;
  return parsed.pathname.startsWith(base.path.endsWith('/') ? base.path : `${base.path}/`);
}

/**
 * Installs the fetch wrapper (once per process) and registers `llmBaseUrl` as a proxy whose
 * requests carry the trace header. Returns the function that unregisters it.
 */
export function installTraceFetch(llmBaseUrl: string): () => void {
  const parsed = new URL(llmBaseUrl);
  const key = `${parsed.origin}${parsed.pathname}`;
  const entry = proxyBases.get(key) ?? { origin: parsed.origin, path: parsed.pathname, users: 0 };
  entry.users += 1;
  proxyBases.set(key, entry);
  if (!originalFetch) {
    const upstream = globalThis.fetch;
    originalFetch = upstream;
    globalThis.fetch = function agentdockTraceFetch(input: Parameters<typeof fetch>[0], init?: RequestInit): Promise<Response> {
      const traceId = traceStore.getStore();
      if (traceId === undefined) return upstream(input, init);
      const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
      if (![...proxyBases.values()].some((base) => isUnderBaseUrl(url, base))) return upstream(input, init);
      const headers = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined));
      headers.set(TRACE_HEADER, traceId);
      return upstream(input, { ...init, headers });
    };
  }
  let released = false;
  return () => {
    if (released) return;
    released = true;
    entry.users -= 1;
    if (entry.users === 0) proxyBases.delete(key);
  };
}
