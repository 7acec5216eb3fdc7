/**
 * Forward-slash path arithmetic for platform-free code. Hosts hand src-shared absolute paths with
 * forward slashes (a Windows host converts `C:\x` to `C:/x` first), so this covers both.
 */

/** True for `/abs` and `C:/abs`. */
export function isAbsolutePath(path: string): boolean {
  return path.startsWith('/') || /^[A-Za-z]:\//.test(path);
}

/** Collapses `.`, `..` and repeated slashes; never climbs above the root. */
export function normalizePath(path: string): string {
  const drive = /^[A-Za-z]:/.exec(path)?.[0] ?? '';
  const rest = path.slice(drive.length);
  const absolute = rest.startsWith('/');
  const out: string[] = [];
  for (const part of rest.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length > 0 && out[out.length - 1] !== '..') out.pop();
      else if (!absolute) out.push('..');
      continue;
    }
    out.push(part);
  }
  const body = out.join('/');
  if (absolute) return `${drive}/${body}`;
  return drive + (body || '.');
}

/** Joins segments and normalizes; an absolute segment restarts the path. */
export function joinPath(...segments: string[]): string {
  let joined = '';
  for (const segment of segments) {
    if (!segment) continue;
    joined = isAbsolutePath(segment) || !joined ? segment : `${joined}/${segment}`;
  }
  return normalizePath(joined || '.');
}

/** The directory part of a path. */
export function dirnamePath(path: string): string {
  const normalized = normalizePath(path);
  const slash = normalized.lastIndexOf('/');
  if (slash < 0) return '.';
  if (slash === 0) return '/';
  if (/^[A-Za-z]:$/.test(normalized.slice(0, slash))) return normalized.slice(0, slash + 1);
  return normalized.slice(0, slash);
}

/** The last segment of a path. */
export function basenamePath(path: string): string {
  const normalized = normalizePath(path);
  return normalized.slice(normalized.lastIndexOf('/') + 1);
}

/** True if `child` is `parent` or lies beneath it (both normalized absolute paths). */
export function isWithinPath(parent: string, child: string): boolean {
  const p = normalizePath(parent);
  const c = normalizePath(child);
  if (c === p) return true;
  return c.startsWith(p.endsWith('/') ? p : `${p}/`);
}

/** `child` relative to `parent` when it lies beneath it, else `child` unchanged. */
export function relativePath(parent: string, child: string): string {
  const p = normalizePath(parent);
  const c = normalizePath(child);
  if (c === p) return '.';
  return isWithinPath(p, c) ? c.slice(p.endsWith('/') ? p.length : p.length + 1) : c;
}
