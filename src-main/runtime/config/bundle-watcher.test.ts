import { mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createAuthSnapshot } from '../auth/auth-snapshot';
import type { AuthSnapshot } from '../auth/auth-snapshot';
import { Authenticator } from '../auth/authenticator';
import { issueKey, specWithAuth } from '../auth/test-support';
import { watchBundle } from './bundle-watcher';
import type { BundleWatcher } from './bundle-watcher';
import { RuntimeConfigError } from './config-error';
import { loadRuntimeBundle } from './runtime-bundle';
import type { ReloadableParts } from './runtime-bundle';

const dirs: string[] = [];
const watchers: BundleWatcher[] = [];
afterEach(() => {
  for (const watcher of watchers.splice(0)) watcher.dispose();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const spec = specWithAuth({ mode: 'api_key', api_keys: { enabled: true } });
const first = issueKey('key-1', 'developer');
const second = issueKey('key-2', 'developer');
const keysJson = (...records: unknown[]): string => JSON.stringify({ keys: records });

function bundleDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'agentdock-watch-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'spec.json'), JSON.stringify(spec));
  writeFileSync(join(dir, 'runtime.json'), JSON.stringify({ agentVersion: '1.0.0', projectDir: '/app', language: 'javascript' }));
  writeFileSync(join(dir, 'keys.json'), keysJson(first.record));
  writeFileSync(join(dir, 'secrets.json'), '{}', { mode: 0o600 });
  return dir;
}

/** Writes like the control plane should: a temp file renamed over the old one. */
function replaceFile(dir: string, name: string, text: string): void {
  writeFileSync(join(dir, `.${name}.tmp`), text, { mode: 0o600 });
  renameSync(join(dir, `.${name}.tmp`), join(dir, name));
}

/** Collects reloads and errors; `next*` resolve on the next one that arrives. */
function recorder() {
  const reloads: ReloadableParts[] = [];
  const errors: Error[] = [];
  let wake: (() => void) | undefined;
  const until = async (done: () => boolean): Promise<void> => {
    while (!done()) await new Promise<void>((resolve) => (wake = resolve));
  };
  return {
    reloads,
    errors,
    onReload: (parts: ReloadableParts) => {
      reloads.push(parts);
      wake?.();
    },
    onError: (error: Error) => {
      errors.push(error);
      wake?.();
    },
    untilReloads: (count: number) => until(() => reloads.length >= count),
    untilErrors: (count: number) => until(() => errors.length >= count),
  };
}

describe('watchBundle', () => {
  it('reloads on SIGUSR1: the old key stops working, the new one works, an in-flight request completes', async () => {
    const dir = bundleDir();
    const bundle = await loadRuntimeBundle(dir);
    let current: AuthSnapshot = createAuthSnapshot(bundle.spec, bundle);
    const auth = new Authenticator(() => current);
    const seen = recorder();
    const listenersBefore = process.listenerCount('SIGUSR1');
    // A long debounce keeps the file event of the write below out of this test: only the signal reloads.
    const watcher = watchBundle(
      dir,
      (parts) => {
        current = createAuthSnapshot(bundle.spec, parts);
        seen.onReload(parts);
      },
      seen.onError,
      { debounceMs: 600_000 },
    );
    watchers.push(watcher);
    expect(process.listenerCount('SIGUSR1')).toBe(listenersBefore + 1);

    const inflight = auth.snapshot();
    expect(auth.authenticate({ 'x-api-key': first.raw }).ok).toBe(true);
    replaceFile(dir, 'keys.json', keysJson({ ...first.record, revoked: true }, second.record));
    process.kill(process.pid, 'SIGUSR1');
    await seen.untilReloads(1);

    expect(seen.reloads[0]?.keys.keys.map((key) => key.id)).toEqual(['key-1', 'key-2']);
    expect(auth.authenticate({ 'x-api-key': first.raw })).toMatchObject({ ok: false, status: 499 });
    expect(auth.authenticate({ 'x-api-key': second.raw }).ok).toBe(true);
    expect(auth.authenticate({ 'x-api-key': first.raw }, inflight).ok).toBe(true);

    watcher.dispose();
    expect(process.listenerCount('SIGUSR1')).toBe(listenersBefore);
  });

  it('reloads when a file in the directory is replaced', async () => {
    const dir = bundleDir();
    const seen = recorder();
    watchers.push(watchBundle(dir, seen.onReload, seen.onError, { debounceMs: 20, signal: null }));
    replaceFile(dir, 'keys.json', keysJson(second.record));
    await seen.untilReloads(1);
    expect(seen.reloads.at(-1)?.keys.keys.map((key) => key.id)).toEqual(['key-2']);
    replaceFile(dir, 'secrets.json', JSON.stringify({ jwtSecret: 'rotated-secret-0123456789' }));
    await seen.untilReloads(2);
    expect(seen.reloads.at(-1)?.secrets.jwtSecret).toBe('rotated-secret-0123456789');
    expect(seen.errors).toEqual([]);
  });

  it('follows a Kubernetes Secret update: the ..data symlink swapped to a new directory', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'agentdock-k8s-'));
    dirs.push(dir);
    mkdirSync(join(dir, '..2025_01_01_a'));
    writeFileSync(join(dir, '..2025_01_01_a', 'keys.json'), keysJson(first.record));
    symlinkSync('..2025_01_01_a', join(dir, '..data'));
    symlinkSync(join('..data', 'keys.json'), join(dir, 'keys.json'));
    const seen = recorder();
    watchers.push(watchBundle(dir, seen.onReload, seen.onError, { debounceMs: 20, signal: null }));

    // What the kubelet does (atomic_writer.go): new timestamped dir, ..data_tmp link, rename over ..data.
    mkdirSync(join(dir, '..2025_01_02_b'));
    writeFileSync(join(dir, '..2025_01_02_b', 'keys.json'), keysJson(second.record));
    symlinkSync('..2025_01_02_b', join(dir, '..data_tmp'));
    renameSync(join(dir, '..data_tmp'), join(dir, '..data'));
    rmSync(join(dir, '..2025_01_01_a'), { recursive: true });

    await seen.untilReloads(1);
    expect(seen.reloads.at(-1)?.keys.keys.map((key) => key.id)).toEqual(['key-2']);
  });

  it('keeps the previous good state when a reload fails, and recovers on the next good write', async () => {
    const dir = bundleDir();
    const seen = recorder();
    const watcher = watchBundle(dir, seen.onReload, seen.onError, { debounceMs: 20, signal: null });
    watchers.push(watcher);
    replaceFile(dir, 'keys.json', '{"keys": [');
    await seen.untilErrors(1);
    expect(seen.errors[0]).toBeInstanceOf(RuntimeConfigError);
    expect(seen.errors[0]?.message).toMatch(/keys\.json is not valid JSON/);
    expect(seen.reloads).toEqual([]);
    replaceFile(dir, 'keys.json', keysJson(second.record));
    await seen.untilReloads(1);
    expect(seen.reloads[0]?.keys.keys.map((key) => key.id)).toEqual(['key-2']);
  });

  it('reload() re-reads on demand and coalesces concurrent requests; nothing is reported after dispose', async () => {
    const dir = bundleDir();
    const seen = recorder();
    const watcher = watchBundle(dir, seen.onReload, seen.onError, { debounceMs: 600_000, signal: null });
    watchers.push(watcher);
    // Triggers before a read starts share it.
    await Promise.all([watcher.reload(), watcher.reload(), watcher.reload()]);
    expect(seen.reloads).toHaveLength(1);
    // Triggers while a read is under way (it may have read the old file) get one more read after it.
    const running = watcher.reload();
    await Promise.resolve();
    const during = [watcher.reload(), watcher.reload()];
    expect(during[0]).toBe(during[1]);
    await Promise.all([running, ...during]);
    expect(seen.reloads).toHaveLength(3);
    const pending = watcher.reload();
    watcher.dispose();
    await pending;
    await watcher.reload();
    expect(seen.reloads).toHaveLength(3);
  });
});
