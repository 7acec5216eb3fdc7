/**
 * Walks a directory tree into a deterministic listing for a bundle: regular files with a
 * normalised mode and a SHA-256, and symbolic links kept as relative links. Nothing here depends on
 * timestamps, owners or the directory's absolute location, so two copies of the same project give
 * the same listing.
 *
 * Symbolic links are kept as links (never followed, so loops cannot hurt) and must stay inside the
 * tree, both as written and as resolved: a link to `~/.aws/credentials` would otherwise carry a
 * file from outside the project into an image.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { lstat, readdir, readlink, realpath } from 'node:fs/promises';
import path from 'node:path';
import { CoreError } from '../contracts';
import { compareBytes } from './content-hash';
import type { IgnoreMatcher } from './ignore-rules';

export interface FileEntry {
  kind: 'file';
  /** Relative to the tree root, forward slashes. */
  path: string;
  /** 0o755 if any execute bit was set, else 0o644 (umask and owner never leak into the hash). */
  mode: number;
  size: number;
  sha256: string;
  absolutePath: string;
}

export interface LinkEntry {
  kind: 'symlink';
  path: string;
  /** The link's target relative to the link's own directory, forward slashes. */
  target: string;
}

export type TreeEntry = FileEntry | LinkEntry;

export interface TreeLimits {
  /** Total bytes of regular files. */
  maxBytes: number;
  maxFiles: number;
}

export interface TreeListing {
  /** Sorted by path (UTF-8 byte order). */
  entries: TreeEntry[];
  bytes: number;
  /** Paths left out because they look like secrets (never their content). */
  secretsSkipped: string[];
}

export interface WalkOptions {
  /** Include/ignore decisions; absent means everything is included. */
  matcher?: IgnoreMatcher;
  limits: TreeLimits;
  /** What the tree is, for error messages ("the agent project", "the runtime"). */
  label: string;
  signal?: AbortSignal;
}

const HASH_CONCURRENCY = 8;

/** Lists `root` (which must be a directory) as described in the file header. */
export async function walkTree(root: string, options: WalkOptions): Promise<TreeListing> {
  const realRoot = await realpath(root).catch(() => {
    throw new CoreError('E2002', `${options.label} ${root} does not exist`);
  });
  const pending: Omit<FileEntry, 'sha256'>[] = [];
  const links: LinkEntry[] = [];
  const secretsSkipped: string[] = [];
  let bytes = 0;

  const visit = async (directory: string, relativeDir: string): Promise<void> => {
    options.signal?.throwIfAborted();
    const names = (await readdir(directory)).sort();
    if (relativeDir !== '' && names.includes('pyvenv.cfg')) return; // a Python virtualenv: machine-specific, links outside
    for (const name of names) {
      const absolutePath = path.join(directory, name);
      const relativePath = relativeDir === '' ? name : `${relativeDir}/${name}`;
      const info = await lstat(absolutePath);
      const verdict = options.matcher?.verdict(relativePath, info.isDirectory()) ?? 'include';
      if (verdict === 'secret') {
        secretsSkipped.push(relativePath);
        continue;
      }
      if (verdict === 'ignore') continue;
      if (info.isDirectory()) {
        await visit(absolutePath, relativePath);
      } else if (info.isSymbolicLink()) {
        links.push(await checkLink(realRoot, absolutePath, relativePath, options.label));
      } else if (info.isFile()) {
        bytes += info.size;
        if (bytes > options.limits.maxBytes) {
          throw new CoreError(
            'E2002',
            `${options.label} is larger than the ${formatMiB(options.limits.maxBytes)} bundle limit (at ${relativePath}); list large or generated files in .agentdockignore, or raise the limit`,
            { limitBytes: options.limits.maxBytes },
          );
        }
        if (pending.length + links.length >= options.limits.maxFiles) {
          throw new CoreError('E2002', `${options.label} has more than ${options.limits.maxFiles} files (at ${relativePath}); list what the agent does not need in .agentdockignore, or raise the limit`, {
            limitFiles: options.limits.maxFiles,
          });
        }
        pending.push({ kind: 'file', path: relativePath, mode: info.mode & 0o111 ? 0o755 : 0o644, size: info.size, absolutePath });
      }
      // Sockets, FIFOs and devices are not source and cannot be copied: left out.
    }
  };
  await visit(realRoot, '');

  const files = await mapLimited(pending, HASH_CONCURRENCY, async (entry) => {
    options.signal?.throwIfAborted();
    return { ...entry, sha256: await hashFile(entry.absolutePath) };
  });
  const entries: TreeEntry[] = [...files, ...links].sort((a, b) => compareBytes(a.path, b.path));
  return { entries, bytes, secretsSkipped };
}

async function checkLink(realRoot: string, absolutePath: string, relativePath: string, label: string): Promise<LinkEntry> {
  const written = await readlink(absolutePath);
  const lexical = path.resolve(path.dirname(absolutePath), written);
  const resolved = await realpath(absolutePath).catch(() => undefined); // a dangling link has nothing to leak
  for (const destination of [lexical, resolved]) {
    if (destination !== undefined && !isInside(realRoot, destination)) {
      throw new CoreError(
        'E2002',
        `${relativePath} in ${label} is a symbolic link to ${destination}, outside the project; a bundle holds only the project's own files — copy the file in, or list the link in .agentdockignore`,
        { path: relativePath },
      );
    }
  }
  const target = path.relative(path.dirname(absolutePath), lexical).split(path.sep).join('/');
  return { kind: 'symlink', path: relativePath, target: target === '' ? '.' : target };
}

/** SHA-256 of a file's content, streamed. */
export async function hashFile(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

function isInside(root: string, candidate: string): boolean {
  const relative = path.relative(root, candidate);
  return relative === '' || (relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative));
}

function formatMiB(bytes: number): string {
  return `${Math.round((bytes / 1024 / 1024) * 10) / 10} MiB`;
}

/** Runs `fn` over `items` with at most `limit` in flight, keeping the order of results. */
export async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
