import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { databaseFile, ensureDataDir, resolveDataDir } from './data-dir';

describe('resolveDataDir', () => {
  it('prefers AGENTDOCK_HOME on every platform', () => {
    expect(resolveDataDir({ AGENTDOCK_HOME: '/srv/agentdock', XDG_DATA_HOME: '/x' }, 'linux', '/home/u')).toBe('/srv/agentdock');
    expect(resolveDataDir({ AGENTDOCK_HOME: 'D:\\AgentDock', APPDATA: 'C:\\Users\\u\\AppData\\Roaming' }, 'win32', 'C:\\Users\\u')).toBe('D:\\AgentDock');
  });

  it('uses XDG_DATA_HOME or ~/.local/share on Linux, ignoring a relative XDG_DATA_HOME', () => {
    expect(resolveDataDir({ XDG_DATA_HOME: '/data' }, 'linux', '/home/u')).toBe('/data/agentdock');
    expect(resolveDataDir({}, 'linux', '/home/u')).toBe('/home/u/.local/share/agentdock');
    expect(resolveDataDir({ XDG_DATA_HOME: 'relative/dir' }, 'linux', '/home/u')).toBe('/home/u/.local/share/agentdock');
    expect(resolveDataDir({ AGENTDOCK_HOME: '  ' }, 'freebsd', '/home/u')).toBe('/home/u/.local/share/agentdock');
  });

  it('uses Application Support on macOS and %APPDATA% on Windows', () => {
    expect(resolveDataDir({}, 'darwin', '/Users/u')).toBe('/Users/u/Library/Application Support/AgentDock');
    expect(resolveDataDir({ APPDATA: 'C:\\Users\\u\\AppData\\Roaming' }, 'win32', 'C:\\Users\\u')).toBe('C:\\Users\\u\\AppData\\Roaming\\AgentDock');
    expect(resolveDataDir({}, 'win32', 'C:\\Users\\u')).toBe('C:\\Users\\u\\AppData\\Roaming\\AgentDock');
  });

  it('creates a new data directory private to the owner and names the database in it', () => {
    const root = mkdtempSync(path.join(tmpdir(), 'agentdock-home-'));
    try {
      const dir = ensureDataDir(path.join(root, 'a', 'b'));
      expect(statSync(dir).mode & 0o777).toBe(0o700);
      expect(databaseFile(dir)).toBe(path.join(root, 'a', 'b', 'agentdock.db'));
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
