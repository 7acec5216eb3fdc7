// `window.api` is defined by the Electron preload. It is optional on purpose: in serve mode the
// renderer runs in a plain browser tab, where nothing defines it until the WebSocket transport does.
import type { WindowApi } from '../../src-shared/ipc/window-api';

declare global {
  interface Window {
    readonly api?: WindowApi;
  }
}

export {};
