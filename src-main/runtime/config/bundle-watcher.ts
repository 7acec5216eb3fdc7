/**
 * Reloads keys.json and secrets.json on SIGUSR1 and when the bundle directory changes, so keys can
 * be issued, rotated and revoked without a restart (seed 004 §5.3.3 "immediate invalidation").
 *
 * The directory is watched, not the files: Kubernetes updates a mounted Secret by swapping the
 * `..data` symlink, which replaces what `keys.json` points to without touching the `keys.json`
 * link itself, so a watch on the file would never fire. Any event re-reads both files.
 *
 * A reload hands the owner a new deep-frozen ReloadableParts; the owner swaps its snapshot
 * reference in one assignment. A request that captured the old snapshot finishes with it, so a
 * reload never drops or half-applies to an in-flight request. A reload that fails (a half-written
 * file, bad JSON) keeps the previous good state and reports the error.
 */
import { watch } from 'node:fs';
import type { FSWatcher } from 'node:fs';
import { loadReloadableParts } from './runtime-bundle';
import type { ReloadableParts } from './runtime-bundle';

export interface BundleWatcher {
  /** Re-reads now, as SIGUSR1 does; resolves when the reload (or its failure report) is done. */
  reload(): Promise<void>;
  /** Stops watching and removes the signal listener; later reload results are dropped. */
  dispose(): void;
}

export interface WatchBundleOptions {
  /** Quiet period after the last file event before re-reading, in ms (editors and kubelet write in bursts). */
  debounceMs?: number;
  /** The reload signal; null for none. Not used on Windows, which has no SIGUSR1. */
  signal?: NodeJS.Signals | null;
}

/** Watches the bundle directory and calls onReload with each new good state, onError with each failed reload. */
export function watchBundle(
  directory: string,
  onReload: (next: ReloadableParts) => void,
  onError: (error: Error) => void,
  options: WatchBundleOptions = {},
): BundleWatcher {
  const debounceMs = options.debounceMs ?? 200;
  const signal = options.signal === undefined ? 'SIGUSR1' : options.signal;
  let disposed = false;
  let lastSource: string | undefined;
  let timer: NodeJS.Timeout | undefined;
  // Reloads run one at a time; triggers during a reload coalesce into one more run after it.
  let queue: Promise<void> = Promise.resolve();
  let queued: Promise<void> | undefined;
  let queuedForce = false;

  const report = (error: unknown): void => {
    if (!disposed) onError(error instanceof Error ? error : new Error(String(error)));
  };

  const runOnce = async (force: boolean): Promise<void> => {
    try {
      const loaded = await loadReloadableParts(directory);
      if (disposed) return;
      // File events also fire for writes that change nothing (touch, a kubelet resync); an explicit
      // SIGUSR1 always reloads so the operator sees it happen.
      if (!force && loaded.source === lastSource) return;
      lastSource = loaded.source;
      onReload(loaded.parts);
    } catch (error) {
      report(error);
    }
  };

  const schedule = (force: boolean): Promise<void> => {
    if (disposed) return Promise.resolve();
    if (queued) {
      queuedForce ||= force;
      return queued;
    }
    queuedForce = force;
    const next = queue.then(() => {
      queued = undefined;
      return runOnce(queuedForce);
    });
    queued = next;
    queue = next;
    return next;
  };

  const onFileEvent = (): void => {
    if (disposed) return;
    clearTimeout(timer);
    timer = setTimeout(() => void schedule(false), debounceMs);
    timer.unref();
  };

  let watcher: FSWatcher | undefined;
  try {
    watcher = watch(directory, { persistent: false }, onFileEvent);
    watcher.on('error', report);
  } catch (error) {
    // Without a watch, SIGUSR1 still works; say so rather than fail the runtime.
    queueMicrotask(() => report(new Error(`cannot watch ${directory} for changes (${(error as Error).message}); reload with SIGUSR1 instead`)));
  }

  const onSignal = (): void => void schedule(true);
  const listening = signal !== null && process.platform !== 'win32';
  if (listening) process.on(signal, onSignal);

  return {
    reload: () => schedule(true),
    dispose: () => {
      if (disposed) return;
      disposed = true;
      clearTimeout(timer);
      watcher?.close();
      if (listening) process.off(signal, onSignal);
    },
  };
}
