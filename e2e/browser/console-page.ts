/**
 * Talks the console protocol from inside a page: a WebSocket opened by the page's own origin,
 * under its Content-Security-Policy, exactly as the renderer's transport does. Suites use it to
 * prove what the browser can and cannot do whatever the UI shows.
 */
import type { Page } from 'playwright-core';
import { SERVE_SOCKET_PATH, SERVE_TOKEN_PROTOCOL_PREFIX } from '../../src-shared/ipc/transport-constants';

/** What one request over a fresh in-page socket answered: the result envelope, or how the socket failed. */
export type InPageAnswer = { result: { ok: boolean; value?: Record<string, unknown>; error?: { code: string; message: string } } } | { failed: string };

/** Sends one request from the page over its own WebSocket with `token`. */
export function requestFromPage(page: Page, token: string, channel: string, input: unknown): Promise<InPageAnswer> {
  // A string expression: the function runs in the browser (the e2e code is typed for Node).
  const script = `new Promise((resolve) => {
    const socket = new WebSocket(location.origin.replace(/^http/, 'ws') + ${JSON.stringify(SERVE_SOCKET_PATH)}, [${JSON.stringify(SERVE_TOKEN_PROTOCOL_PREFIX + token)}]);
    socket.addEventListener('open', () => socket.send(JSON.stringify({ type: 'request', id: 1, channel: ${JSON.stringify(channel)}, input: ${JSON.stringify(input)} })));
    socket.addEventListener('message', (event) => {
      const message = JSON.parse(event.data);
      if (message.type === 'result' && message.id === 1) { socket.close(); resolve({ result: message.result }); }
    });
    socket.addEventListener('close', (event) => resolve({ failed: 'closed with code ' + event.code }));
  })`;
  return page.evaluate(script) as Promise<InPageAnswer>;
}
