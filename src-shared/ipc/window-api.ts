// The surface the preload exposes as `window.api`. It is declared here, platform-free, so the
// preload (which implements it over Electron IPC), the renderer (which calls it) and, later, the
// serve-mode WebSocket transport all compile against one definition. This is the foundation
// slice; the full console contract (ARCHITECTURE.md §3) grows from it.

/** Identity of the running console, shown on the welcome screen and in bug reports. */
export interface AppInfo {
  /** Product name, e.g. "AgentDock". */
  readonly name: string;
  /** Semantic version of the console build. */
  readonly version: string;
  /** Operating system as Node names it (`process.platform`: "linux", "darwin", "win32", …). */
  readonly platform: string;
}

/** Requests about the console application itself. */
export interface AppApi {
  /** Name, version and platform of the running console. */
  info(): Promise<AppInfo>;
}

/** Everything the renderer may ask of the main process. */
export interface WindowApi {
  readonly app: AppApi;
}

/** IPC channel names (`domain:verb`), defined once for both ends of the Electron transport. */
export const ipcChannels = {
  appInfo: 'app:info',
} as const;

/** Name of the global the preload defines: `window.api`. */
export const windowApiKey = 'api';
