// Electron entry point: the thin shell around the console. It owns the window, its security and
// the IPC handlers; everything with side effects beyond that belongs to src-main/core.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { app, BrowserWindow, dialog, Menu, safeStorage, session, shell } from 'electron';
import { createConsoleHandlers, localUser } from '../core/console/handlers';
import { openControlPlane } from '../core/control-plane';
import type { ControlPlane } from '../core/control-plane';
import { errorMessage } from '../core/contracts';
import { startMonitoring } from '../core/monitoring';
import { buildMenuTemplate } from './app-menu';
import { serveConsoleOverIpc } from './console-ipc';
import { appKeyProvider } from './keychain-key-provider';
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

/**
 * The control plane behind the console: the user's data dir, the vault key from the OS keychain
 * (or AGENTDOCK_MASTER_KEY), retention, start-up reconcile, and monitoring (telemetry ingest,
 * health transitions, alerts). Returns what must be closed on quit.
 */
async function startControlPlane(appEntryUrl: string): Promise<{ dataDir: string; stop: () => Promise<void> }> {
  const plane: ControlPlane = openControlPlane({ runtimeVersion: app.getVersion(), retention: true, reconcileOnOpen: true });
  plane.setKeyProvider(await appKeyProvider(plane.db, plane.dataDir, safeStorage));
  const monitoring = startMonitoring(plane, { onError: (error) => console.error('[agentdock] monitoring:', errorMessage(error)) });
  const handlers = createConsoleHandlers(plane, { mode: 'electron', version: app.getVersion(), appName: productName });
  // The desktop user owns the data dir: they are its admin (sign-ins with other roles are serve mode's).
  const stopIpc = serveConsoleOverIpc({ handlers, principal: { user: localUser(), role: 'admin' }, appEntryUrl });
  return {
    dataDir: plane.dataDir,
    stop: async () => {
      stopIpc();
      handlers.dispose();
      monitoring.dispose();
      await plane.close();
    },
  };
}

function start(): void {
  const entry = resolveAppEntryUrl();
  let stopControlPlane: (() => Promise<void>) | undefined;
  const preloadPath = path.join(import.meta.dirname, '../preload/index.cjs');
  let mainWindow: BrowserWindow | undefined;

  const openMainWindow = (): void => {
    mainWindow = createMainWindow({ appEntryUrl: entry.url, preloadPath, stateDir: app.getPath('userData') });
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

  // Close the database and release watches before exiting, once: the first quit waits for it.
  let quitting = false;
  app.on('will-quit', (event) => {
    if (quitting || !stopControlPlane) return;
    quitting = true;
    event.preventDefault();
    void stopControlPlane()
      .catch((error: unknown) => console.error('[agentdock] closing the control plane failed:', error))
      .finally(() => app.quit());
  });

  app
    .whenReady()
    .then(async () => {
      // The dev server needs inline scripts and a WebSocket for hot reload; it gets the relaxed
      // policy from its index.html meta tag (electron.vite.config.ts), never in a build.
      hardenSession(session.defaultSession, { enforceContentSecurityPolicy: !entry.fromDevServer });
      const controlPlane = await startControlPlane(entry.url);
      stopControlPlane = controlPlane.stop;
      const template = buildMenuTemplate({
        platform: process.platform,
        appName: productName,
        development: !app.isPackaged,
        openDataFolder: () => void shell.openPath(controlPlane.dataDir),
      });
      Menu.setApplicationMenu(Menu.buildFromTemplate(template));
      openMainWindow();
      app.on('activate', () => {
        if (BrowserWindow.getAllWindows().length === 0) openMainWindow();
      });
    })
    .catch((error: unknown) => {
      console.error('[agentdock] startup failed:', error);
      // Say why in a window too: a desktop user does not see stderr (a locked vault, a busy data dir).
      dialog.showErrorBox('AgentDock could not start', errorMessage(error));
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
