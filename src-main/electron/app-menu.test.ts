import { describe, expect, it } from 'vitest';
import type { MenuItemConstructorOptions } from 'electron';
import { buildMenuTemplate } from './app-menu';

const roles = (items: MenuItemConstructorOptions[]): string[] =>
  items.flatMap((item) => [...(item.role ? [item.role] : []), ...(Array.isArray(item.submenu) ? roles(item.submenu) : [])]);

describe('the application menu', () => {
  it('gives every platform the edit roles Monaco and text fields need', () => {
    for (const platform of ['linux', 'win32', 'darwin'] as const) {
      const template = buildMenuTemplate({ platform, appName: 'AgentDock', development: false, openDataFolder: () => undefined });
      expect(roles(template)).toEqual(expect.arrayContaining(['undo', 'redo', 'cut', 'copy', 'paste', 'selectAll', 'togglefullscreen']));
    }
  });

  it('offers developer tools and reload only in an unpackaged build', () => {
    const packaged = roles(buildMenuTemplate({ platform: 'linux', appName: 'AgentDock', development: false, openDataFolder: () => undefined }));
    expect(packaged).not.toContain('toggleDevTools');
    expect(packaged).not.toContain('reload');
    expect(roles(buildMenuTemplate({ platform: 'linux', appName: 'AgentDock', development: true, openDataFolder: () => undefined }))).toEqual(expect.arrayContaining(['toggleDevTools', 'reload']));
  });

  it('has the macOS app menu only on macOS, and Help opens the data folder', () => {
    const mac = buildMenuTemplate({ platform: 'darwin', appName: 'AgentDock', development: false, openDataFolder: () => undefined });
    expect(mac[0]).toMatchObject({ label: 'AgentDock' });
    expect(roles(buildMenuTemplate({ platform: 'linux', appName: 'AgentDock', development: false, openDataFolder: () => undefined }))).not.toContain('hideOthers');
    let opened = 0;
    const help = buildMenuTemplate({ platform: 'linux', appName: 'AgentDock', development: false, openDataFolder: () => opened++ }).find((item) => item.role === 'help');
    const entry = (help?.submenu as MenuItemConstructorOptions[]).find((item) => item.label === 'Open Data Folder');
    (entry?.click as () => void)();
    expect(opened).toBe(1);
  });
});
