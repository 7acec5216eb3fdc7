// Hardening applied to every web contents and to the default session. Registered for all web
// contents (app 'web-contents-created'), not just the main window, so nothing created later can
// slip out of it. The URL rules themselves live, tested, in url-safety.ts.
import { shell } from 'electron';
import type { Event, Session, WebContents } from 'electron';
import { withContentSecurityPolicy } from '../../src-shared/security/content-security-policy';
import { isAppUrl, toExternalUrl } from './url-safety';

/** Opens `candidate` in the user's browser if it is a safe http(s) URL; otherwise does nothing. */
function openExternally(candidate: string): void {
  const url = toExternalUrl(candidate);
  if (url === undefined) {
    console.warn(`[agentdock] refused to open a non-http(s) URL externally: ${JSON.stringify(candidate.slice(0, 200))}`);
    return;
  }
  shell.openExternal(url).catch((error: unknown) => console.warn('[agentdock] openExternal failed:', error));
}

/**
 * Locks `contents` to the app: no new windows (http(s) links open in the browser instead), no
 * navigation or redirect away from `appEntryUrl` in any frame, no <webview>.
 */
export function lockDownWebContents(contents: WebContents, appEntryUrl: string): void {
  contents.setWindowOpenHandler(({ url }) => {
    openExternally(url);
    return { action: 'deny' };
  });
  const stayInApp = (event: Event<{ url: string }>): void => {
    if (!isAppUrl(event.url, appEntryUrl)) event.preventDefault();
  };
  contents.on('will-navigate', stayInApp);
  contents.on('will-frame-navigate', stayInApp);
  contents.on('will-redirect', stayInApp);
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

/**
 * Denies every permission request and check (camera, notifications, clipboard read, …) and, when
 * `enforceContentSecurityPolicy`, sets the strict CSP header on every response of the session.
 */
export function hardenSession(session: Session, options: { enforceContentSecurityPolicy: boolean }): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  if (options.enforceContentSecurityPolicy) {
    session.webRequest.onHeadersReceived((details, callback) => {
      callback({ responseHeaders: withContentSecurityPolicy(details.responseHeaders) });
    });
  }
}
