// The console window. Security settings are spelled out even where they are Electron's defaults,
// so a reader (and a reviewer grepping for `sandbox`) sees the intent in one place. Its size,
// position and maximised state are kept across launches (window-state.ts).
import { BrowserWindow, screen } from 'electron';
import { MIN_SIZE, placeWindow, readWindowState, writeWindowState } from './window-state';

/** Background painted before the renderer's first frame; matches --color-bg in app.css. */
const backgroundColor = '#0d1117';
/** Quiet time after a move or resize before the state is written. */
const SAVE_DELAY_MS = 500;

/** Creates the main window where it last was, shows it once its first frame is ready and loads `appEntryUrl`. */
export function createMainWindow(options: { appEntryUrl: string; preloadPath: string; stateDir: string }): BrowserWindow {
  const primary = screen.getPrimaryDisplay();
  const displays = [primary, ...screen.getAllDisplays().filter((display) => display.id !== primary.id)].map((display) => display.workArea);
  const place = placeWindow(readWindowState(options.stateDir), displays);
  const window = new BrowserWindow({
    ...place.bounds,
    minWidth: MIN_SIZE.width,
    minHeight: MIN_SIZE.height,
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
  keepWindowState(window, options.stateDir);
  window.once('ready-to-show', () => {
    if (place.maximized) window.maximize();
    window.show();
  });
  window.loadURL(options.appEntryUrl).catch((error: unknown) => {
    console.error(`[agentdock] could not load the renderer from ${options.appEntryUrl}:`, error);
  });
  return window;
}

/** Writes the window's normal bounds and maximised state after moves and resizes, and on close. */
function keepWindowState(window: BrowserWindow, dir: string): void {
  let timer: NodeJS.Timeout | undefined;
  const save = (): void => {
    clearTimeout(timer);
    timer = undefined;
    if (window.isDestroyed() || window.isMinimized() || window.isFullScreen()) return;
    try {
      writeWindowState(dir, { bounds: window.getNormalBounds(), maximized: window.isMaximized() });
    } catch (error) {
      console.warn('[agentdock] could not save the window state:', error);
    }
  };
  const later = (): void => {
    clearTimeout(timer);
    timer = setTimeout(save, SAVE_DELAY_MS);
  };
  for (const event of ['resize', 'move', 'maximize', 'unmaximize'] as const) window.on(event as 'resize', later);
  window.on('close', save);
}
