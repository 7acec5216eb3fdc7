// Content Security Policy for the renderer. Rendered content includes untrusted text (agent
// output, logs, Dockfiles); if any of it ever slipped past React's escaping, the policy keeps it
// from running script, loading remote code, exfiltrating over the network or being framed.
// The built app gets it twice: as a response header (set by Electron's main process, and by
// `agentdock serve` for browsers: src-main/serve/security-headers.ts), and as the <meta> tag in
// src-renderer/index.html (a `file:` page has no response headers to set). The test beside this
// file keeps the two in step. Platform-free (src-shared): electron.vite.config.ts, Electron's main
// process and serve mode all import it.

const directives = [
  "default-src 'self'",
  "script-src 'self'",
  // No script is inline. Inline *styles* are admitted for style attributes (React `style` props,
  // Monaco's layout); they cannot run code.
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
];

/** The production policy, sent as the Content-Security-Policy response header. */
export const contentSecurityPolicy = directives.join('; ');

/**
 * The same policy for the index.html <meta> tag. `frame-ancestors` is left out because browsers
 * ignore it in a meta tag (and log an error saying so); the header carries it.
 */
export const metaContentSecurityPolicy = directives.filter((directive) => !directive.startsWith('frame-ancestors')).join('; ');

/**
 * The meta-tag policy for the Vite dev server only: React Fast Refresh needs an inline module
 * script (its preamble) and HMR a WebSocket back to the dev server. Never part of a build.
 */
export const devServerContentSecurityPolicy = metaContentSecurityPolicy
  .replace("script-src 'self'", "script-src 'self' 'unsafe-inline'")
  .replace("connect-src 'self'", "connect-src 'self' ws://localhost:* ws://127.0.0.1:*");

/**
 * Response headers with any Content-Security-Policy the server sent replaced by `policy`
 * (header names compare case-insensitively, so every spelling is removed first).
 */
export function withContentSecurityPolicy(
  headers: Readonly<Record<string, string[]>> | undefined,
  policy: string = contentSecurityPolicy,
): Record<string, string[]> {
  const result: Record<string, string[]> = {};
  for (const [name, values] of Object.entries(headers ?? {})) {
    if (name.toLowerCase() !== 'content-security-policy') result[name] = values;
  }
  result['Content-Security-Policy'] = [policy];
  return result;
}
