// `window.api` is the Electron preload's console transport (src-main/electron/preload.ts exposes
// exactly this shape). It is optional on purpose: in serve mode the renderer runs in a plain
// browser tab, where nothing defines it and connection.ts opens a WebSocket instead.
import type { ConsoleTransport } from '../../src-shared/ipc/client';

declare global {
  interface Window {
    readonly api?: ConsoleTransport;
    /** For the e2e suites' leak checks: open requests and streams of the live client. */
    __agentdockConsole?: { openCount: () => { requests: number; streams: number } };
  }
}

export {};
