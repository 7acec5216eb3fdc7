// Preload for the sandboxed renderer. It runs with `sandbox: true`, so it is bundled to one
// CommonJS file and may require nothing but `electron`. It exposes exactly `window.api` (the
// WindowApi contract) and never hands the renderer ipcRenderer itself or any Electron object.
import { contextBridge, ipcRenderer } from 'electron';
import { ipcChannels, windowApiKey } from '../../src-shared/ipc/window-api';
import type { AppInfo, WindowApi } from '../../src-shared/ipc/window-api';

const api: WindowApi = {
  app: {
    info: () => ipcRenderer.invoke(ipcChannels.appInfo) as Promise<AppInfo>,
  },
};

contextBridge.exposeInMainWorld(windowApiKey, api);
