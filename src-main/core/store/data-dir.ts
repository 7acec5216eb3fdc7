/**
 * Where AgentDock keeps its database and per-deployment files: `AGENTDOCK_HOME` when set, else
 * the platform's per-user application-data directory. The CLI, serve mode and the desktop app
 * all resolve it the same way, so they share one database.
 */
import { mkdirSync, chmodSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';

/** The database file's name inside the data directory. */
const DATABASE_FILE_NAME = 'agentdock.db';

/**
 * The data directory for `env` on `platform`:
 * `AGENTDOCK_HOME`, else `$XDG_DATA_HOME/agentdock` or `~/.local/share/agentdock` (Linux and other
 * Unixes), `~/Library/Application Support/AgentDock` (macOS), `%APPDATA%\AgentDock` (Windows).
 */
export function resolveDataDir(env: Readonly<Record<string, string | undefined>>, platform: NodeJS.Platform, home: string = homedir()): string {
  const paths = platform === 'win32' ? path.win32 : path.posix;
  const explicit = env.AGENTDOCK_HOME?.trim();
  if (explicit) return paths.resolve(explicit);
  if (platform === 'win32') {
    const appData = env.APPDATA?.trim();
    return paths.join(appData || paths.join(home, 'AppData', 'Roaming'), 'AgentDock');
  }
  if (platform === 'darwin') return paths.join(home, 'Library', 'Application Support', 'AgentDock');
  // The XDG spec says a relative XDG_DATA_HOME is invalid and must be ignored.
  const xdg = env.XDG_DATA_HOME?.trim();
  return paths.join(xdg && paths.isAbsolute(xdg) ? xdg : paths.join(home, '.local', 'share'), 'agentdock');
}

/** The database file inside a data directory. */
export function databaseFile(dataDir: string): string {
  return path.join(dataDir, DATABASE_FILE_NAME);
}

/**
 * Creates the data directory if needed, readable by the owner only (0700): it holds the database
 * (encrypted secrets, key hashes, audit) and the deployments' config bundles.
 */
export function ensureDataDir(dataDir: string): string {
  const created = mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  // mkdir's mode is filtered by the umask. A directory that already existed is left as the user
  // made it (AGENTDOCK_HOME may point at one of theirs); the database file itself is 0600.
  if (created !== undefined && process.platform !== 'win32') chmodSync(dataDir, 0o700);
  return dataDir;
}
