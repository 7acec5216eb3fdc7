// The console window. Security settings are spelled out even where they are Electron's defaults,
// so a reader (and a reviewer grepping for `sandbox`) sees the intent in one place.
import { BrowserWindow } from 'electron';

/** Background painted before the renderer's first frame; matches --color-bg in app.css. */
const backgroundColor = '#0d1117';

/** Creates the main window, shows it once its first frame is ready and loads `appEntryUrl`. */
export function createMainWindow(options: { appEntryUrl: string; preloadPath: string }): BrowserWindow {
  const window = new BrowserWindow({
    width: 1280,
    height: 800,
    minWidth: 720,
    minHeight: 480,
    show: false,
    title: 'AgentDock',
    backgroundColor,
    webPreferences: {
      preload: options.preloadPath,
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      webviewTag: false,
      navigateOnDragDrop: false,
    },
  });
  window.once('ready-to-show', () => window.show());
  window.loadURL(options.appEntryUrl).catch((error: unknown) => {
    console.error(`[agentdock] could not load the renderer from ${options.appEntryUrl}:`, error);
  });
  return window;
}
