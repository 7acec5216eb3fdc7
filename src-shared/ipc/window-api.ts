// What the Electron preload exposes as `window.api`: a ConsoleTransport (client.ts) over one IPC
// channel. The renderer builds a ConsoleClient on it, exactly as on the serve-mode WebSocket.

/** Name of the global the preload defines: `window.api`. */
export const windowApiKey = 'api';
