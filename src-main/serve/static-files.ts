/**
 * Serves the built renderer (out/renderer) to browsers. The root is the only directory reachable:
 * every request path is decoded, resolved and checked to stay inside it — symlinks included —
 * so `/..%2f..%2fetc/passwd` and friends are refused (directory traversal). Unknown routes that
 * do not look like files get index.html, so client-side routes survive a reload (SPA).
 */
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { contentTypeFor } from './mime-types';
import { SECURITY_HEADERS } from './security-headers';

/** Vite writes content-hashed file names under assets/: they never change, so caches may keep them. */
const IMMUTABLE = 'public, max-age=31536000, immutable';
/** Everything else (index.html above all) is revalidated, so a new build is picked up at once. */
const REVALIDATE = 'no-cache';

/** Answers a GET/HEAD from the static root; `root` must be an existing directory. */
export type StaticHandler = (request: IncomingMessage, response: ServerResponse) => Promise<void>;

/** A handler serving files under `root`. */
export function createStaticHandler(root: string): StaticHandler {
  const realRoot = realpath(path.resolve(root));
  return async (request, response) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return plain(response, 405, 'Method not allowed.', { Allow: 'GET, HEAD' });
    const base = await realRoot;
    const resolved = resolveInside(base, request.url ?? '/');
    if (resolved === 'bad') return plain(response, 400, 'Bad request path.');
    if (resolved === 'outside') return plain(response, 403, 'Forbidden.');
    const file = await existingFileInside(base, resolved);
    if (file) return sendFile(request, response, file.path, file.size, cacheControl(base, file.path));
    // Browsers ask for /favicon.ico on their own; a build without one answers "no icon" rather
    // than a 404, which Chromium reports as a console error on every page load.
    if (resolved === path.join(base, 'favicon.ico')) return void response.writeHead(204, { ...SECURITY_HEADERS, 'Cache-Control': 'public, max-age=86400' }).end();
    // A path with an extension is a file that is not there (a stale asset): 404, not the app.
    if (path.extname(resolved) !== '') return plain(response, 404, 'Not found.');
    const index = await existingFileInside(base, path.join(base, 'index.html'));
    if (!index) return plain(response, 404, 'The console is not built: run npm run build:app.');
    return sendFile(request, response, index.path, index.size, REVALIDATE);
  };
}

/**
 * The absolute path a request URL names under `root`: `outside` when it would leave the root (or
 * names a dotfile), `bad` when it cannot be decoded or holds a NUL byte.
 */
export function resolveInside(root: string, url: string): string | 'outside' | 'bad' {
  let pathname: string;
  try {
    pathname = decodeURIComponent(new URL(url, 'http://serve.invalid').pathname);
  } catch {
    return 'bad';
  }
  if (pathname.includes('\0')) return 'bad';
  const resolved = path.resolve(root, `.${path.sep}${pathname}`);
  if (!isInside(root, resolved)) return 'outside';
  // Dotfiles (.env, .git) are never part of a build; refuse rather than serve one left by accident.
  if (path.relative(root, resolved).split(path.sep).some((segment) => segment.startsWith('.'))) return 'outside';
  return resolved;
}

function isInside(root: string, candidate: string): boolean {
  return candidate === root || candidate.startsWith(root.endsWith(path.sep) ? root : root + path.sep);
}

/** The file at `candidate` when it is a regular file whose real path (after symlinks) is inside `root`. */
async function existingFileInside(root: string, candidate: string): Promise<{ path: string; size: number } | undefined> {
  try {
    const real = await realpath(candidate);
    if (!isInside(root, real)) return undefined;
    const info = await stat(real);
    return info.isFile() ? { path: real, size: info.size } : undefined;
  } catch {
    return undefined;
  }
}

function cacheControl(root: string, file: string): string {
  return path.relative(root, file).startsWith(`assets${path.sep}`) ? IMMUTABLE : REVALIDATE;
}

function sendFile(request: IncomingMessage, response: ServerResponse, file: string, size: number, cache: string): void {
  response.writeHead(200, { ...SECURITY_HEADERS, 'Content-Type': contentTypeFor(file), 'Content-Length': size, 'Cache-Control': cache });
  if (request.method === 'HEAD') {
    response.end();
    return;
  }
  const stream = createReadStream(file);
  stream.on('error', () => response.destroy());
  stream.pipe(response);
}

/** A short plain-text answer with the security headers. */
export function plain(response: ServerResponse, status: number, message: string, extra: Record<string, string> = {}): void {
  response.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store', ...extra });
  response.end(`${message}\n`);
}
