// The console contract over Electron IPC: one ConsoleSession per window (webContents), fed by
// the single ELECTRON_CONSOLE_CHANNEL. Every message is checked to come from a live frame showing
// the app itself (a frame that navigated elsewhere — see url-safety.ts — must not reach main), and
// the session is disposed when the window is destroyed or reloads, so its streams and running
// requests never outlive the page that started them.
import { ipcMain } from 'electron';
import type { IpcMainEvent, WebContents } from 'electron';
import { ELECTRON_CONSOLE_CHANNEL } from '../../src-shared/ipc/transport-constants';
import type { ServerMessage } from '../../src-shared/ipc/protocol';
import { ConsoleSession } from '../core/console/console-session';
import type { ConsolePrincipal } from '../core/console/console-session';
import type { ConsoleHandlers } from '../core/console/handler-types';
import { isAppUrl } from './url-safety';

/** Serves the console contract to the app's windows; returns the function that stops it. */
export function serveConsoleOverIpc(options: { handlers: ConsoleHandlers; principal: ConsolePrincipal; appEntryUrl: string }): () => void {
  const sessions = new Map<WebContents, ConsoleSession>();

  const sessionFor = (contents: WebContents): ConsoleSession => {
    let session = sessions.get(contents);
    if (session) return session;
    const created = new ConsoleSession({
      handlers: options.handlers,
      principal: options.principal,
      send: (message: ServerMessage) => {
        if (!contents.isDestroyed()) contents.send(ELECTRON_CONSOLE_CHANNEL, message);
      },
    });
    const end = (): void => {
      created.dispose();
      sessions.delete(contents);
    };
    contents.once('destroyed', end);
    // A reload or navigation starts a new page with a new client: the old page's streams end here.
    contents.once('did-start-navigation', end);
    sessions.set(contents, created);
    session = created;
    return session;
  };

  const listener = (event: IpcMainEvent, message: unknown): void => {
    const frame = event.senderFrame;
    if (!frame || frame !== event.sender.mainFrame || !isAppUrl(frame.url, options.appEntryUrl)) {
      console.warn(`[agentdock] ${ELECTRON_CONSOLE_CHANNEL} from a frame that is not the AgentDock renderer was dropped.`);
      return;
    }
    sessionFor(event.sender).receive(message);
  };
  ipcMain.on(ELECTRON_CONSOLE_CHANNEL, listener);
  return () => {
    ipcMain.removeListener(ELECTRON_CONSOLE_CHANNEL, listener);
    for (const session of sessions.values()) session.dispose();
    sessions.clear();
  };
}
