// URL safety for the console window: which URLs may load in it, which may reach main over IPC,
// and which may be handed to the operating system.
//
// Threats this module exists to stop:
// - Navigation hijack. The preload injects `window.api` into whatever page the window shows. If a
//   link, redirect or script in rendered content (agent output, logs, a Dockfile from someone's
//   repository, LLM text) navigated the window to another origin, that page would drive the
//   console's privileged API. So the window may only show the app's own entry, and IPC handlers
//   only answer frames whose URL passes the same check.
// - Protocol-handler abuse through `shell.openExternal`. The OS runs whatever handles a scheme:
//   `file:` can launch executables, custom schemes reach installed apps (`ms-msdt:` was
//   CVE-2022-30190 "Follina"), `javascript:`/`data:` have no business leaving the app. Only
//   parsed http(s) URLs go out.
// - Deceptive URLs. `https://trusted.example@evil.example/` shows a trusted name but goes to
//   evil.example and leaks whatever sits in the userinfo; URLs with credentials are refused.
// - A hostile `ELECTRON_RENDERER_URL` in the environment of a built app: the dev-server URL is
//   honoured only when it points at this machine.
//
// Pure functions, no Node or Electron imports, so every rule is unit-tested (url-safety.test.ts).
// Everything arrives as `unknown` and is parsed with the WHATWG URL parser, never matched as text.

const webProtocols: ReadonlySet<string> = new Set(['http:', 'https:']);
const loopbackHosts: ReadonlySet<string> = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Parses `candidate` as an absolute URL; undefined for non-strings and malformed input. */
function parseUrl(candidate: unknown): URL | undefined {
  if (typeof candidate !== 'string' || candidate.length === 0) return undefined;
  try {
    return new URL(candidate);
  } catch {
    return undefined;
  }
}

function hasCredentials(url: URL): boolean {
  return url.username !== '' || url.password !== '';
}

/** Percent-decodes a path for comparison; undefined when the encoding is malformed. */
function decodePath(pathname: string): string | undefined {
  try {
    return decodeURIComponent(pathname);
  } catch {
    return undefined;
  }
}

/**
 * True when `candidate` is the app itself, given the URL the window was loaded with.
 * For an http(s) entry (the dev server) that means the same origin; for a `file:` entry, whose
 * origin is opaque, it means exactly the entry file (query and fragment may differ).
 */
export function isAppUrl(candidate: unknown, appEntryUrl: string): boolean {
  const target = parseUrl(candidate);
  const entry = parseUrl(appEntryUrl);
  if (!target || !entry || hasCredentials(target)) return false;
  if (target.protocol !== entry.protocol) return false;
  if (webProtocols.has(entry.protocol)) return target.origin === entry.origin;
  if (entry.protocol === 'file:') {
    const targetPath = decodePath(target.pathname);
    return target.host === entry.host && targetPath !== undefined && targetPath === decodePath(entry.pathname);
  }
  return false;
}

/**
 * The normalised URL to pass to `shell.openExternal`, or undefined when `candidate` must not
 * leave the app: anything but http(s), URLs carrying credentials, malformed input.
 */
export function toExternalUrl(candidate: unknown): string | undefined {
  const url = parseUrl(candidate);
  if (!url || !webProtocols.has(url.protocol) || hasCredentials(url) || url.hostname === '') return undefined;
  return url.href;
}

/**
 * The renderer dev-server URL to load, or undefined unless `candidate` is an http(s) URL on a
 * loopback host without credentials.
 */
export function toDevServerUrl(candidate: unknown): string | undefined {
  const url = parseUrl(candidate);
  if (!url || !webProtocols.has(url.protocol) || hasCredentials(url) || !loopbackHosts.has(url.hostname)) {
    return undefined;
  }
  return url.href;
}
