/**
 * Writes a bundle atomically: everything goes into a temporary directory beside the final one,
 * is flushed to disk, and is renamed into place in one step. A reader (or a second build of the
 * same hash) therefore sees either no bundle or a complete one, even after a crash or kill -9
 * mid-build. Temporary directories of builds whose process is gone are removed on the next build.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm, symlink } from 'node:fs/promises';
import path from 'node:path';
import { CoreError } from '../contracts';
import { sha256Hex } from './content-hash';
import type { TreeEntry } from './source-tree';
import { mapLimited } from './source-tree';

const TEMP_PREFIX = '.tmp-';
const COPY_CONCURRENCY = 8;

/** A fresh temporary directory inside `parent` whose name records this process id. */
export async function createTempDir(parent: string, label: string): Promise<string> {
  await mkdir(parent, { recursive: true });
  const dir = path.join(parent, `${TEMP_PREFIX}${label}-${process.pid}-${randomBytes(4).toString('hex')}`);
  await mkdir(dir);
  return dir;
}

/** Removes temporary directories in `parent` left by builds whose process no longer exists. */
export async function removeStaleTempDirs(parent: string): Promise<void> {
  const names = await readdir(parent).catch(() => [] as string[]);
  for (const name of names) {
    if (!name.startsWith(TEMP_PREFIX)) continue;
    const pid = Number(/-(\d+)-[0-9a-f]+$/.exec(name)?.[1]);
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && !processExists(pid)) await rm(path.join(parent, name), { recursive: true, force: true });
  }
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Copies listed entries from `sourceRoot` into `destinationRoot`. Each file is re-read and checked
 * against the hash in the listing, so a file edited during the build cannot end up in a bundle
 * whose name promises other content.
 */
export async function copyEntries(entries: readonly TreeEntry[], destinationRoot: string, options: { durable: boolean; label: string; signal?: AbortSignal }): Promise<void> {
  const directories = new Set<string>();
  for (const entry of entries) directories.add(path.dirname(path.join(destinationRoot, ...entry.path.split('/'))));
  for (const directory of [...directories].sort()) await mkdir(directory, { recursive: true });
  await mapLimited(entries, COPY_CONCURRENCY, async (entry) => {
    options.signal?.throwIfAborted();
    const destination = path.join(destinationRoot, ...entry.path.split('/'));
    if (entry.kind === 'symlink') {
      await symlink(entry.target, destination);
      return;
    }
    const content = await readFile(entry.absolutePath);
    if (sha256Hex(content) !== entry.sha256) {
      throw new CoreError('E2002', `${entry.path} in ${options.label} changed while the bundle was being built; build again`, { path: entry.path });
    }
    await writeFileDurably(destination, content, entry.mode, options.durable);
  });
}

/** Writes a file (mode applied regardless of umask) and, when `durable`, flushes it to disk. */
export async function writeFileDurably(file: string, content: string | Uint8Array, mode: number, durable: boolean): Promise<void> {
  const handle = await open(file, 'wx', mode);
  try {
    await handle.writeFile(content);
    await handle.chmod(mode);
    if (durable) await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Flushes a directory's entries (new names) to disk; a no-op where directories cannot be opened (Windows). */
export async function syncDirectory(directory: string): Promise<void> {
  let handle;
  try {
    handle = await open(directory, 'r');
    await handle.sync();
  } catch {
    // Windows cannot fsync a directory; NTFS journals the rename itself.
  } finally {
    await handle?.close();
  }
}

/** Flushes every directory under `root` (deepest first), then `root`. */
export async function syncTree(root: string): Promise<void> {
  const directories: string[] = [];
  const walk = async (directory: string): Promise<void> => {
    for (const entry of await readdir(directory, { withFileTypes: true })) if (entry.isDirectory()) await walk(path.join(directory, entry.name));
    directories.push(directory);
  };
  await walk(root);
  for (const directory of directories) await syncDirectory(directory);
}

/**
 * Renames `temp` to `final`. Returns false (and removes `temp`) when `final` already exists:
 * another build of the same content finished first, and its bundle is identical by construction.
 */
export async function publishDirectory(temp: string, final: string): Promise<boolean> {
  try {
    await rename(temp, final);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST' || code === 'ENOTEMPTY' || code === 'EPERM') {
      await rm(temp, { recursive: true, force: true });
      return false;
    }
    throw error;
  }
  await syncDirectory(path.dirname(final));
  return true;
}
