/**
 * The console window's size, position and maximised state, kept across launches in
 * `window-state.json` in the app's user-data dir. Restoring checks the saved rectangle against the
 * displays there are now: a window saved on a monitor that is gone comes back centred on the
 * primary one, never off-screen. Pure except for the file I/O, so it is tested without Electron.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface Rectangle {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface WindowState {
  bounds: Rectangle;
  maximized: boolean;
}

export const DEFAULT_SIZE = { width: 1280, height: 800 } as const;
export const MIN_SIZE = { width: 720, height: 480 } as const;
/** How much of the title bar must be on a display for the saved position to be used. */
const VISIBLE_MARGIN = 48;

const FILE = 'window-state.json';

/** The saved state, or undefined when there is none or it is not ours (a hand-edited or torn file). */
export function readWindowState(dir: string): WindowState | undefined {
  try {
    const parsed = JSON.parse(readFileSync(path.join(dir, FILE), 'utf8')) as Partial<WindowState>;
    const bounds = parsed.bounds;
    const numbers = bounds && [bounds.x, bounds.y, bounds.width, bounds.height].every((value) => Number.isFinite(value));
    if (!numbers || typeof parsed.maximized !== 'boolean') return undefined;
    return { bounds: bounds as Rectangle, maximized: parsed.maximized };
  } catch {
    return undefined;
  }
}

/** Writes the state atomically (temp file, rename): a crash mid-write leaves the previous one. */
export function writeWindowState(dir: string, state: WindowState): void {
  const target = path.join(dir, FILE);
  const temp = `${target}.${process.pid}.tmp`;
  writeFileSync(temp, JSON.stringify(state));
  renameSync(temp, target);
}

/**
 * Where to open the window: the saved bounds when their title bar is visible on one of `displays`
 * (work areas), clamped to the minimum size and to that display; else the default size centred on
 * the first display (the primary).
 */
export function placeWindow(saved: WindowState | undefined, displays: readonly Rectangle[]): WindowState {
  const primary = displays[0] ?? { x: 0, y: 0, ...DEFAULT_SIZE };
  const centred = (): Rectangle => {
    const width = Math.min(DEFAULT_SIZE.width, primary.width);
    const height = Math.min(DEFAULT_SIZE.height, primary.height);
    return { x: primary.x + Math.round((primary.width - width) / 2), y: primary.y + Math.round((primary.height - height) / 2), width, height };
  };
  if (!saved) return { bounds: centred(), maximized: false };
  const { x, y } = saved.bounds;
  const display = displays.find((area) => x + VISIBLE_MARGIN <= area.x + area.width && x + saved.bounds.width - VISIBLE_MARGIN >= area.x && y >= area.y && y + VISIBLE_MARGIN <= area.y + area.height);
  if (!display) return { bounds: centred(), maximized: saved.maximized };
  const width = Math.min(Math.max(saved.bounds.width, MIN_SIZE.width), display.width);
  const height = Math.min(Math.max(saved.bounds.height, MIN_SIZE.height), display.height);
  return { bounds: { x, y, width, height }, maximized: saved.maximized };
}
