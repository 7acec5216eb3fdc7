/**
 * What the Dockfile engine needs from the place it runs: read files of the agent project. The
 * engine itself is platform-free; the CLI and control plane pass a Node file-system host
 * (src-main/core/dockfile/node-dockfile-host.ts), the editor an in-memory or IPC-backed one.
 * Paths are absolute with forward slashes.
 */
export interface DockfileHost {
  /** Size and kind of a path, or undefined when nothing is there. Symlinks are followed. */
  stat(path: string): Promise<{ size: number; isFile: boolean; isDirectory: boolean } | undefined>;
  /** The file's bytes. */
  readFile(path: string): Promise<Uint8Array>;
  /** The path with every symlink resolved; rejects with a HostError('ELOOP') on a symlink loop. */
  realpath(path: string): Promise<string>;
}

export type HostErrorCode = 'ENOENT' | 'ELOOP' | 'EACCES' | 'EISDIR' | 'EIO';

/** A host failure the engine can explain to the user. */
export class HostError extends Error {
  constructor(
    readonly code: HostErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'HostError';
  }
}

/** A host over an in-memory map of absolute path → contents (tests, the editor's unsaved buffers). */
export function createMemoryHost(files: Record<string, string | Uint8Array>, links: Record<string, string> = {}): DockfileHost {
  const encoder = new TextEncoder();
  const resolve = (path: string): string => {
    let current = path;
    for (let hops = 0; hops < 40; hops++) {
      const target = Object.entries(links).find(([link]) => current === link || current.startsWith(`${link}/`));
      if (!target) return current;
      current = target[1] + current.slice(target[0].length);
    }
    throw new HostError('ELOOP', `too many levels of symbolic links: ${path}`);
  };
  const isDirectory = (path: string): boolean => Object.keys(files).some((file) => file.startsWith(`${path}/`));
  return {
    async stat(path) {
      const real = resolve(path);
      const content = files[real];
      if (content !== undefined) return { size: typeof content === 'string' ? encoder.encode(content).length : content.length, isFile: true, isDirectory: false };
      return isDirectory(real) ? { size: 0, isFile: false, isDirectory: true } : undefined;
    },
    async readFile(path) {
      const content = files[resolve(path)];
      if (content === undefined) throw new HostError('ENOENT', `no such file: ${path}`);
      return typeof content === 'string' ? encoder.encode(content) : content;
    },
    async realpath(path) {
      const real = resolve(path);
      if (files[real] === undefined && !isDirectory(real)) throw new HostError('ENOENT', `no such file: ${path}`);
      return real;
    },
  };
}
