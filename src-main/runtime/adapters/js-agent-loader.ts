/**
 * Loads a JavaScript/TypeScript agent in-process and decides what kind of thing its entrypoint
 * export is. The rule, in order (the Python adapter applies the same one):
 *
 * 1. an object with `invoke` and `stream`/`streamEvents` is a Runnable; a LangGraph Pregel
 *    (`lc_namespace[0] === 'langgraph'`) is a graph, streamed with `streamMode` messages+values;
 * 2. an object with `compile()` and no `invoke` is an uncompiled StateGraph: compiled once;
 * 3. an (async) generator function is a generator agent: strings it yields are tokens;
 * 4. a function with no required parameters (`fn.length === 0`) is a factory: called once at load
 *    (its result may be a promise) and must give 1–3 or an agent function;
 * 5. any other function is a plain agent `(input, config) => output`.
 *
 * So a plain agent function must declare its input parameter; a factory must not require one.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { loadError } from './entrypoint';
import { installSdkSpecifier } from './sdk-specifier';

/** The Runnable surface the adapter uses (LangChain's own type is not a runtime dependency). */
export interface RunnableLike {
  invoke(input: unknown, config?: Record<string, unknown>): Promise<unknown>;
  stream?(input: unknown, config?: Record<string, unknown>): Promise<AsyncIterable<unknown>> | AsyncIterable<unknown>;
  streamEvents?(input: unknown, config: Record<string, unknown>): AsyncIterable<unknown>;
}

export type AgentFunction = (input: unknown, config: Record<string, unknown>) => unknown;

export type JsAgentTarget =
  | { kind: 'graph'; runnable: RunnableLike & { stream: NonNullable<RunnableLike['stream']> } }
  | { kind: 'runnable'; runnable: RunnableLike }
  | { kind: 'function'; fn: AgentFunction }
  | { kind: 'generator'; fn: AgentFunction };

/** Runs `fn` with `config` as LangChain's implicit config, so nested runnables inherit our callbacks. */
export type ConfigScope = <T>(config: Record<string, unknown>, fn: () => Promise<T>) => Promise<T>;

export interface LoadedJsAgent {
  target: JsAgentTarget;
  /** Present when the agent's project has @langchain/core (used for plain functions and generators). */
  configScope?: ConfigScope;
}

/** Imports `file`, takes export `symbol`, and classifies it (factories are called here, once). */
export async function loadJsAgent(file: string, symbol: string): Promise<LoadedJsAgent> {
  installSdkSpecifier(); // before the import: the agent may import '@agentdock/sdk'
  let module: Record<string, unknown>;
  try {
    module = (await import(/* @vite-ignore */ pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (error) {
    throw loadError(`cannot load ${file}: ${error instanceof Error ? error.message : String(error)}`, error);
  }
  const fallback = module.default;
  const value = symbol in module ? module[symbol] : typeof fallback === 'object' && fallback !== null ? (fallback as Record<string, unknown>)[symbol] : undefined;
  if (value === undefined) {
    const available = Object.keys(module).filter((key) => key !== 'default' || typeof fallback !== 'object');
    throw loadError(`${file} has no export named ${symbol}${available.length ? ` (exports: ${available.slice(0, 8).join(', ')})` : ''}`);
  }
  const target = await classifyExport(value, symbol, 0);
  const configScope = await loadConfigScope(file);
  return { target, ...(configScope ? { configScope } : {}) };
}

/** Applies the rule in this file's header to one exported value. */
export async function classifyExport(value: unknown, symbol: string, depth: number): Promise<JsAgentTarget> {
  if (isRunnableLike(value)) {
    if (isLangGraph(value) && typeof value.stream === 'function') return { kind: 'graph', runnable: value as RunnableLike & { stream: NonNullable<RunnableLike['stream']> } };
    return { kind: 'runnable', runnable: value };
  }
  if (isGraphBuilder(value)) {
    let compiled: unknown;
    try {
      compiled = await value.compile();
    } catch (error) {
      throw loadError(`${symbol}.compile() failed: ${error instanceof Error ? error.message : String(error)}`, error);
    }
    return classifyExport(compiled, `${symbol}.compile()`, depth + 1);
  }
  if (typeof value === 'function') {
    const fn = value as AgentFunction;
    if (isGeneratorFunction(fn)) return { kind: 'generator', fn };
    if (fn.length === 0 && depth === 0) {
      let built: unknown;
      try {
        built = await (fn as () => unknown)();
      } catch (error) {
        throw loadError(`factory ${symbol}() failed: ${error instanceof Error ? error.message : String(error)}`, error);
      }
      if (built === undefined || built === null || (typeof built !== 'object' && typeof built !== 'function')) {
        throw loadError(
          `${symbol} takes no arguments, so it was called as a factory, but it returned ${built === null ? 'null' : typeof built}; ` +
            'export a graph or Runnable, a factory returning one, or an agent function that takes (input, config)',
        );
      }
      return classifyExport(built, `${symbol}()`, depth + 1);
    }
    return { kind: 'function', fn };
  }
  throw loadError(`${symbol} is ${value === null ? 'null' : typeof value}, not a graph, Runnable, factory or agent function`);
}

function isRunnableLike(value: unknown): value is RunnableLike {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  return typeof record.invoke === 'function' && (typeof record.stream === 'function' || typeof record.streamEvents === 'function');
}

function isLangGraph(value: object): boolean {
  const namespace = (value as { lc_namespace?: unknown }).lc_namespace;
  return Array.isArray(namespace) && namespace[0] === 'langgraph';
}

function isGraphBuilder(value: unknown): value is { compile(): unknown } {
  return typeof value === 'object' && value !== null && typeof (value as { compile?: unknown }).compile === 'function' && !('invoke' in value);
}

function isGeneratorFunction(fn: AgentFunction): boolean {
  const tag = Object.prototype.toString.call(fn);
  return tag === '[object AsyncGeneratorFunction]' || tag === '[object GeneratorFunction]';
}

/**
 * LangChain passes a Runnable's config to nested runnables through its own AsyncLocalStorage.
 * A plain agent function that calls `tool.invoke(x)` without forwarding `config` would otherwise
 * escape the tool gate; running it under `runWithConfig` closes that hole. Best effort: a project
 * without @langchain/core has no LangChain tools to gate.
 */
async function loadConfigScope(file: string): Promise<ConfigScope | undefined> {
  let provider: {
    runWithConfig(config: Record<string, unknown>, fn: () => unknown): unknown;
    initializeGlobalInstance?(instance: AsyncLocalStorage<unknown>): void;
  };
  try {
    const resolved = createRequire(file).resolve('@langchain/core/singletons');
    const module = (await import(/* @vite-ignore */ pathToFileURL(resolved).href)) as { AsyncLocalStorageProviderSingleton?: typeof provider };
    if (!module.AsyncLocalStorageProviderSingleton || typeof module.AsyncLocalStorageProviderSingleton.runWithConfig !== 'function') return undefined;
    provider = module.AsyncLocalStorageProviderSingleton;
  } catch {
    return undefined;
  }
  // LangChain installs its global storage only when some entry points load; without it the
  // provider is a no-op mock. Installing it is what @langchain/core/context does on Node.
  provider.initializeGlobalInstance?.(new AsyncLocalStorage());
  return <T>(config: Record<string, unknown>, fn: () => Promise<T>): Promise<T> => provider.runWithConfig(config, fn) as Promise<T>;
}
