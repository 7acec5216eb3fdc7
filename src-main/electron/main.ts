// Electron entry point: the thin shell around the console. It owns the window, its security and
// the IPC handlers; everything with side effects beyond that belongs to src-main/core.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { app, BrowserWindow, session } from 'electron';
import { registerAppInfoHandler } from './app-info-ipc';
import { createMainWindow } from './main-window';
import { toDevServerUrl } from './url-safety';
import { hardenSession, lockDownWebContents } from './window-security';

const productName = 'AgentDock';

/**
 * Where the renderer comes from: the Vite dev server that `electron-vite dev` announces in
 * ELECTRON_RENDERER_URL (only when unpackaged, and only on loopback), else the built file.
 */
function resolveAppEntryUrl(): { url: string; fromDevServer: boolean } {
  const announced = process.env['ELECTRON_RENDERER_URL'];
  if (announced !== undefined && !app.isPackaged) {
    const devServerUrl = toDevServerUrl(announced);
    if (devServerUrl !== undefined) return { url: devServerUrl, fromDevServer: true };
    console.warn('[agentdock] ignoring ELECTRON_RENDERER_URL: not an http(s) URL on a loopback host.');
  }
  return { url: pathToFileURL(path.join(import.meta.dirname, '../renderer/index.html')).href, fromDevServer: false };
}

function start(): void {
  const entry = resolveAppEntryUrl();
  const preloadPath = path.join(import.meta.dirname, '../preload/index.cjs');
  let mainWindow: BrowserWindow | undefined;

  const openMainWindow = (): void => {
    mainWindow = createMainWindow({ appEntryUrl: entry.url, preloadPath });
    mainWindow.on('closed', () => {
      mainWindow = undefined;
    });
  };

  app.on('web-contents-created', (_event, contents) => lockDownWebContents(contents, entry.url));

  // A second launch focuses the running console instead of opening a second one on the same data.
  app.on('second-instance', () => {
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });

  app
    .whenReady()
    .then(() => {
      // The dev server needs inline scripts and a WebSocket for hot reload; it gets the relaxed
      // policy from its index.html meta tag (electron.vite.config.ts), never in a build.
      hardenSession(session.defaultSession, { enforceContentSecurityPolicy: !entry.fromDevServer });
      registerAppInfoHandler(entry.url);
      openMainWindow();
      app.on('activate', () => {
        if (BrowserWindow.getAllWindows().length === 0) openMainWindow();
      });
    })
    .catch((error: unknown) => {
      console.error('[agentdock] startup failed:', error);
      app.exit(1);
    });
}

app.setName(productName);
// Every renderer sandboxed, whatever a future BrowserWindow forgets to set.
app.enableSandbox();

if (app.requestSingleInstanceLock()) {
  start();
} else {
  app.quit();
}
