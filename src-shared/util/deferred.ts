/** A promise with its resolve and reject at hand, for a result that another event delivers. */
export interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

/**
 * A new Deferred. Its promise may never be awaited (nobody is waiting when it fails): a rejection
 * nobody watches is not reported as unhandled; waiters attach their own handlers.
 */
export function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((onResolve, onReject) => {
    resolve = onResolve;
    reject = onReject;
  });
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}
