import { promises as fs } from 'node:fs';
import path from 'node:path';
import { HostError } from '../../../src-shared/dockfile/host';
import type { DockfileHost, HostErrorCode } from '../../../src-shared/dockfile/host';
import { errorMessage } from '../contracts';

/** The Dockfile engine's view of the local file system. */
export function createNodeDockfileHost(): DockfileHost {
  return {
    async stat(file) {
      try {
        const stat = await fs.stat(file);
        return { size: stat.size, isFile: stat.isFile(), isDirectory: stat.isDirectory() };
      } catch (error) {
        if (errorCode(error) === 'ELOOP') throw toHostError(error, file);
        return undefined;
      }
    },
    async readFile(file) {
      try {
        return new Uint8Array(await fs.readFile(file));
      } catch (error) {
        throw toHostError(error, file);
      }
    },
    async realpath(file) {
      try {
        return toEnginePath(await fs.realpath(file));
      } catch (error) {
        throw toHostError(error, file);
      }
    },
  };
}

/** An absolute path in the engine's forward-slash form (Windows `C:\a` → `C:/a`). */
export function toEnginePath(file: string): string {
  const absolute = path.resolve(file);
  return path.sep === '\\' ? absolute.replace(/\\/g, '/') : absolute;
}

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

function toHostError(error: unknown, file: string): HostError {
  const code = errorCode(error);
  const known: HostErrorCode[] = ['ENOENT', 'ELOOP', 'EACCES', 'EISDIR'];
  const hostCode = known.find((candidate) => candidate === code) ?? 'EIO';
  return new HostError(hostCode, `${file}: ${errorMessage(error)}`);
}
