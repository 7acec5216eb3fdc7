// Main-side handler for `app:info`. Like every handler it answers only frames showing the app
// itself: a frame that got elsewhere (see url-safety.ts) must not reach main.
import { app, ipcMain } from 'electron';
import type { IpcMainInvokeEvent } from 'electron';
import { ipcChannels } from '../../src-shared/ipc/window-api';
import type { AppInfo } from '../../src-shared/ipc/window-api';
import { isAppUrl } from './url-safety';

/** True when the IPC message comes from a live frame whose URL is the app's own entry. */
export function isTrustedSender(event: IpcMainInvokeEvent, appEntryUrl: string): boolean {
  const frame = event.senderFrame;
  return frame !== null && isAppUrl(frame.url, appEntryUrl);
}

/** Registers the `app:info` handler; returns a function that removes it. */
export function registerAppInfoHandler(appEntryUrl: string): () => void {
  ipcMain.handle(ipcChannels.appInfo, (event): AppInfo => {
    if (!isTrustedSender(event, appEntryUrl)) {
      throw new Error(`${ipcChannels.appInfo} refused: the sender frame is not the AgentDock renderer.`);
    }
    return { name: app.getName(), version: app.getVersion(), platform: process.platform };
  });
  return () => ipcMain.removeHandler(ipcChannels.appInfo);
}
