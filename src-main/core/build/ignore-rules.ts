/**
 * Which project files go into a bundle. Three layers, checked in this order:
 *
 * 1. Secret-looking files (`.env`, private keys, credential files) and VCS metadata are never
 *    copied, whatever `.agentdockignore` says: a bundle ends up in images and on disk for as long
 *    as the version exists, and secrets reach replicas only through the vault.
 * 2. Built-in defaults (caches, virtualenvs, editor folders) — a `!pattern` line can re-include.
 * 3. `.agentdockignore` at the project root: a gitignore-like subset — `#` comments, `!` negation,
 *    a trailing `/` for directories only, a leading or inner `/` anchors to the project root,
 *    `*` and `?` within one path segment, `**` across segments. The last matching line wins, and
 *    an excluded directory is not entered (so its files cannot be re-included, as in git).
 */

export type FileVerdict = 'include' | 'ignore' | 'secret';

interface IgnoreRule {
  negate: boolean;
  directoryOnly: boolean;
  pattern: RegExp;
}

/** Never copied and not re-includable: names that usually hold credentials. */
export const SECRET_PATTERNS: readonly string[] = [
  '.env',
  '.env.*',
  '*.pem',
  '*.key',
  '*.p12',
  '*.pfx',
  '*.jks',
  '*.keystore',
  'id_rsa',
  'id_rsa.*',
  'id_dsa',
  'id_dsa.*',
  'id_ecdsa',
  'id_ecdsa.*',
  'id_ed25519',
  'id_ed25519.*',
  '.npmrc',
  '.pypirc',
  '.netrc',
  '.git-credentials',
  '.htpasswd',
  'credentials.json',
  'secrets.json',
  'secrets.yaml',
  'secrets.yml',
  '.aws/',
  '.ssh/',
  '.gnupg/',
];

/** Version-control metadata: never part of the agent. */
const VCS_PATTERNS: readonly string[] = ['.git', '.hg/', '.svn/'];

/** Left out by default; `!name` in .agentdockignore brings one back. */
export const DEFAULT_IGNORES: readonly string[] = [
  '__pycache__/',
  '*.pyc',
  '*.pyo',
  '.venv/',
  '.mypy_cache/',
  '.pytest_cache/',
  '.ruff_cache/',
  '.tox/',
  '.DS_Store',
  'Thumbs.db',
  '.idea/',
  '.vscode/',
  'node_modules/.cache/',
  '.agentdockignore.local',
];

/** Python agents do not load JavaScript packages; a stray node_modules would only bloat the bundle. */
export const PYTHON_EXTRA_IGNORES: readonly string[] = ['node_modules/'];

/** Decides include / ignore / secret for project-relative POSIX paths. */
export class IgnoreMatcher {
  private readonly secret: IgnoreRule[];
  private readonly rules: IgnoreRule[];

  constructor(options: { ignoreFileText?: string; extraIgnores?: readonly string[] } = {}) {
    this.secret = [...SECRET_PATTERNS, ...VCS_PATTERNS].map((line) => parseRule(line)).filter((rule): rule is IgnoreRule => rule !== undefined);
    const lines = [...DEFAULT_IGNORES, ...(options.extraIgnores ?? []), ...(options.ignoreFileText ?? '').split(/\r?\n/)];
    this.rules = lines.map((line) => parseRule(line)).filter((rule): rule is IgnoreRule => rule !== undefined);
  }

  /** The verdict for `relativePath` (forward slashes, no leading `./`). */
  verdict(relativePath: string, isDirectory: boolean): FileVerdict {
    if (this.secret.some((rule) => matches(rule, relativePath, isDirectory))) return 'secret';
    let ignored = false;
    for (const rule of this.rules) if (matches(rule, relativePath, isDirectory)) ignored = !rule.negate;
    return ignored ? 'ignore' : 'include';
  }
}

function matches(rule: IgnoreRule, relativePath: string, isDirectory: boolean): boolean {
  if (rule.directoryOnly && !isDirectory) return false;
  return rule.pattern.test(relativePath);
}

function parseRule(raw: string): IgnoreRule | undefined {
  let line = raw.replace(/\s+$/, '');
  if (line === '' || line.startsWith('#')) return undefined;
  let negate = false;
  if (line.startsWith('!')) {
    negate = true;
    line = line.slice(1);
  } else if (line.startsWith('\\!') || line.startsWith('\\#')) {
    line = line.slice(1);
  }
  const directoryOnly = line.endsWith('/');
  if (directoryOnly) line = line.slice(0, -1);
  if (line === '') return undefined;
  // gitignore: a slash at the start or in the middle anchors the pattern at the root.
  const anchored = line.includes('/');
  if (line.startsWith('/')) line = line.slice(1);
  const body = globToRegExpSource(line);
  return { negate, directoryOnly, pattern: new RegExp(anchored ? `^${body}$` : `^(?:.*/)?${body}$`) };
}

/** Translates one glob into a regular expression body (no anchors). */
export function globToRegExpSource(glob: string): string {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const char = glob[i] as string;
    if (char === '*') {
      if (glob[i + 1] === '*') {
        const atSegmentStart = i === 0 || glob[i - 1] === '/';
        const atSegmentEnd = i + 2 === glob.length || glob[i + 2] === '/';
        if (atSegmentStart && atSegmentEnd) {
          if (glob[i + 2] === '/') {
            out += '(?:.*/)?'; // `**/`: zero or more whole directories
            i += 2;
          } else {
            out += '.*'; // trailing `**`: everything below
            i += 1;
          }
          continue;
        }
      }
      out += '[^/]*';
    } else if (char === '?') {
      out += '[^/]';
    } else if (char === '[') {
      const close = glob.indexOf(']', i + 2);
      if (close === -1) {
        out += '\\[';
      } else {
        const inner = glob.slice(i + 1, close).replace(/\\/g, '\\\\');
        out += `[${inner.startsWith('!') ? `^${inner.slice(1)}` : inner}]`;
        i = close;
      }
    } else if (char === '\\' && i + 1 < glob.length) {
      out += escapeRegExp(glob[i + 1] as string);
      i += 1;
    } else {
      out += escapeRegExp(char);
    }
  }
  return out;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
