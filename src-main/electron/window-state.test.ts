import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_SIZE, placeWindow, readWindowState, writeWindowState } from './window-state';

const laptop = { x: 0, y: 0, width: 1440, height: 900 };
const monitor = { x: 1440, y: 0, width: 2560, height: 1440 };
let dir: string | undefined;

afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('window state', () => {
  it('round-trips through the file and ignores a missing or foreign one', () => {
    dir = mkdtempSync(path.join(tmpdir(), 'agentdock-window-'));
    expect(readWindowState(dir)).toBeUndefined();
    writeWindowState(dir, { bounds: { x: 10, y: 20, width: 1000, height: 700 }, maximized: true });
    expect(readWindowState(dir)).toEqual({ bounds: { x: 10, y: 20, width: 1000, height: 700 }, maximized: true });
    writeFileSync(path.join(dir, 'window-state.json'), '{"bounds":{"x":"left"},"maximized":true}');
    expect(readWindowState(dir)).toBeUndefined();
    writeFileSync(path.join(dir, 'window-state.json'), '{"bounds":');
    expect(readWindowState(dir)).toBeUndefined();
  });

  it('opens at the default size centred on the primary display the first time', () => {
    expect(placeWindow(undefined, [laptop, monitor])).toEqual({ bounds: { x: 80, y: 50, ...DEFAULT_SIZE }, maximized: false });
  });

  it('restores the saved place on a display that is still there, maximised or not', () => {
    const saved = { bounds: { x: 1600, y: 100, width: 1800, height: 1000 }, maximized: true };
    expect(placeWindow(saved, [laptop, monitor])).toEqual(saved);
  });

  it('brings a window saved on a monitor that is gone back onto the primary display, keeping maximised', () => {
    const saved = { bounds: { x: 1600, y: 100, width: 1800, height: 1000 }, maximized: true };
    expect(placeWindow(saved, [laptop])).toEqual({ bounds: { x: 80, y: 50, ...DEFAULT_SIZE }, maximized: true });
  });

  it('clamps a tiny or oversized saved window to the minimum and to its display', () => {
    expect(placeWindow({ bounds: { x: 100, y: 100, width: 200, height: 100 }, maximized: false }, [laptop]).bounds).toEqual({ x: 100, y: 100, width: 720, height: 480 });
    expect(placeWindow({ bounds: { x: 0, y: 0, width: 5000, height: 3000 }, maximized: false }, [laptop]).bounds).toEqual({ x: 0, y: 0, width: 1440, height: 900 });
  });
});
