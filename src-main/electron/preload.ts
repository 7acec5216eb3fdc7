// Preload for the sandboxed renderer. It runs with `sandbox: true`, so it is bundled to one
// CommonJS file and may require nothing but `electron`. It exposes exactly `window.api`, a
// ConsoleTransport (src-shared/ipc/client.ts) over one IPC channel, and never hands the renderer
// ipcRenderer itself, an IpcRendererEvent, or any other Electron object.
import { contextBridge, ipcRenderer } from 'electron';
import type { IpcRendererEvent } from 'electron';
import type { ConsoleTransport } from '../../src-shared/ipc/client';
import { ELECTRON_CONSOLE_CHANNEL } from '../../src-shared/ipc/transport-constants';
import type { ClientMessage, ServerMessage } from '../../src-shared/ipc/protocol';
import { windowApiKey } from '../../src-shared/ipc/window-api';

const api: ConsoleTransport = {
  send: (message: ClientMessage) => ipcRenderer.send(ELECTRON_CONSOLE_CHANNEL, message),
  onMessage: (listener) => {
    // The event object stays here: only the message crosses into the page.
    const forward = (_event: IpcRendererEvent, message: ServerMessage): void => listener(message);
    ipcRenderer.on(ELECTRON_CONSOLE_CHANNEL, forward);
    return () => ipcRenderer.removeListener(ELECTRON_CONSOLE_CHANNEL, forward);
  },
  // Main lives as long as the window: the connection closes only with the page itself.
  onClose: () => () => undefined,
};

contextBridge.exposeInMainWorld(windowApiKey, api);
