import { describe, expect, it } from 'vitest';
import { esbuildBinaryModule, unpackedPath } from './asar-paths';

describe('unpackedPath', () => {
  it('moves a path inside app.asar to app.asar.unpacked, on POSIX and Windows separators', () => {
    expect(unpackedPath('/opt/AgentDock/resources/app.asar/node_modules/@esbuild/linux-x64/bin/esbuild', '/')).toBe('/opt/AgentDock/resources/app.asar.unpacked/node_modules/@esbuild/linux-x64/bin/esbuild');
    expect(unpackedPath('C:\\AgentDock\\resources\\app.asar\\node_modules\\@esbuild\\win32-x64\\esbuild.exe', '\\')).toBe('C:\\AgentDock\\resources\\app.asar.unpacked\\node_modules\\@esbuild\\win32-x64\\esbuild.exe');
  });

  it('leaves paths outside an archive alone (npm start, tests)', () => {
    expect(unpackedPath('/work/node_modules/@esbuild/linux-x64/bin/esbuild', '/')).toBe('/work/node_modules/@esbuild/linux-x64/bin/esbuild');
    expect(unpackedPath('/work/app.asar.unpacked/x', '/')).toBe('/work/app.asar.unpacked/x');
  });
});

describe('esbuildBinaryModule', () => {
  it('names the binary the installed platform package carries', () => {
    expect(esbuildBinaryModule('linux', 'x64')).toBe('@esbuild/linux-x64/bin/esbuild');
    expect(esbuildBinaryModule('darwin', 'arm64')).toBe('@esbuild/darwin-arm64/bin/esbuild');
    expect(esbuildBinaryModule('win32', 'x64')).toBe('@esbuild/win32-x64/esbuild.exe');
  });

  it('matches this machine’s installed esbuild', async () => {
    const { createRequire } = await import('node:module');
    const fromEsbuild = createRequire(createRequire(import.meta.url).resolve('esbuild'));
    expect(() => fromEsbuild.resolve(esbuildBinaryModule(process.platform, process.arch))).not.toThrow();
  });
});
