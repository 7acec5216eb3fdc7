/**
 * Lets agent code import the runtime's SDK by name: `import { reportProgress } from
 * '@agentdock/sdk'` (or `require('@agentdock/sdk')` from CommonJS), wherever the agent runs. The SDK
 * is the `sdk.js` built beside `agentdock-runtime.js` (out/runtime, a bundle's runtime/, an image's
 * /app/runtime). A Node module resolve hook, installed in this process before the agent loads, maps
 * the bare specifier to that file.
 *
 * The runtime's copy always wins, even over an `@agentdock/sdk` in the agent's own node_modules:
 * the breaker registry and progress channel the agent reports into must be the ones this runtime
 * reads, from an SDK of the same build. Only the package root is mapped (the SDK has no subpaths).
 *
 * `module.registerHooks` (Node ≥ 22.15) runs in this thread and covers import and require. Older
 * Node 22 gets the same mapping through `module.register` (a loader thread), for import only.
 */
import { existsSync } from 'node:fs';
import nodeModule from 'node:module';
import type { ResolveHookSync } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/** The bare specifier agent code imports. */
export const SDK_SPECIFIER = '@agentdock/sdk';

/** Where `@agentdock/sdk` goes: sdk.js's file URL, or the message an import of it fails with. */
export type SdkTarget = { url: string } | { missing: string };

/** Files that may be the SDK, best first, for code living in `moduleDir`. */
export function sdkFileCandidates(moduleDir: string): string[] {
  return [
    // The bundled runtime (every deployed bundle and image): agentdock-runtime.js and sdk.js share a folder.
    path.join(moduleDir, 'sdk.js'),
    // The source tree (tests run the runtime from source): src-main/runtime/adapters → <repo>/out/runtime.
    path.resolve(moduleDir, '..', '..', '..', 'out', 'runtime', 'sdk.js'),
  ];
}

/** The first candidate that exists, or a message saying what is missing, where it was looked for, and what to do. */
export function locateSdk(candidates: readonly string[]): SdkTarget {
  const found = candidates.find((candidate) => existsSync(candidate));
  if (found) return { url: pathToFileURL(found).href };
  return {
    missing:
      `cannot import ${SDK_SPECIFIER}: the AgentDock runtime provides it from the sdk.js beside agentdock-runtime.js, ` +
      `and there is none (looked for ${candidates.join(', ')}); the runtime folder is incomplete: run npm run build:node and deploy again`,
  };
}

/** A resolve hook sending `@agentdock/sdk` to `target` and every other specifier on unchanged. */
export function sdkResolveHook(target: SdkTarget): ResolveHookSync {
  return (specifier, context, nextResolve) => {
    if (specifier !== SDK_SPECIFIER) return nextResolve(specifier, context);
    if ('missing' in target) throw Object.assign(new Error(target.missing), { code: 'ERR_MODULE_NOT_FOUND' });
    return { url: target.url, format: 'module', shortCircuit: true };
  };
}

// sdkResolveHook's twin for module.register, which loads hooks as a module in a thread of their own.
const LOADER_SOURCE = `let target;
export function initialize(data) { target = data; }
export async function resolve(specifier, context, nextResolve) {
  if (specifier !== ${JSON.stringify(SDK_SPECIFIER)}) return nextResolve(specifier, context);
  if (target.missing) throw Object.assign(new Error(target.missing), { code: 'ERR_MODULE_NOT_FOUND' });
  return { url: target.url, format: 'module', shortCircuit: true };
}
`;

/** Maps `@agentdock/sdk` with `module.registerHooks` (Node ≥ 22.15): import and require. */
export function registerSdkHooks(target: SdkTarget): void {
  nodeModule.registerHooks({ resolve: sdkResolveHook(target) });
}

/** Maps `@agentdock/sdk` with `module.register` (any Node 22): import only. */
export function registerSdkLoader(target: SdkTarget): void {
  nodeModule.register(`data:text/javascript,${encodeURIComponent(LOADER_SOURCE)}`, { data: target });
}

let installed = false;

/** Maps `@agentdock/sdk` to the runtime's sdk.js for every module this process loads from now on; once per process. */
export function installSdkSpecifier(candidates: readonly string[] = sdkFileCandidates(import.meta.dirname)): void {
  if (installed) return;
  installed = true;
  const target = locateSdk(candidates);
  // registerHooks is missing before Node 22.15 (the types describe the newest 22).
  if (typeof (nodeModule as Partial<typeof nodeModule>).registerHooks === 'function') registerSdkHooks(target);
  else registerSdkLoader(target);
}
