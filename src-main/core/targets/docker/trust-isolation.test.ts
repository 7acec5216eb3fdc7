// The trust-level table (seed 001) as the Docker target applies it, and the pure helpers the
// engine tests rely on: the `since` arithmetic of log follows and the config volume's archive.
import { describe, expect, it } from 'vitest';
import { tarOfFiles } from './config-volume';
import { sinceAfter } from './container-logs';
import { isolationFor } from './trust-isolation';

describe('isolationFor', () => {
  it('maps each trust level to network, root filesystem and runtime on a plain runc engine', () => {
    const runc = ['io.containerd.runc.v2', 'runc'];
    expect(isolationFor('TRUSTED', runc)).toEqual({ network: 'default-bridge', readonlyRootfs: false });
    expect(isolationFor('STANDARD', runc)).toEqual({ network: 'deployment-bridge', readonlyRootfs: true });
    expect(isolationFor('UNTRUSTED', runc)).toEqual({ network: 'internal-gateway', readonlyRootfs: true });
    expect(() => isolationFor('CONFIDENTIAL', runc)).toThrow(expect.objectContaining({ code: 'E2021' }));
  });

  it('uses gVisor and Kata where the engine offers them, and a configured runtime per level', () => {
    expect(isolationFor('STANDARD', ['runc', 'runsc']).runtime).toBe('runsc');
    expect(isolationFor('UNTRUSTED', ['runc', 'runsc']).runtime).toBe('runsc');
    expect(isolationFor('UNTRUSTED', ['runc', 'runsc', 'kata']).runtime).toBe('kata');
    expect(isolationFor('TRUSTED', ['runc', 'runsc']).runtime).toBeUndefined();
    expect(isolationFor('CONFIDENTIAL', ['runc', 'kata-cc'], { CONFIDENTIAL: 'kata-cc' })).toEqual({ network: 'internal-gateway', readonlyRootfs: true, runtime: 'kata-cc' });
    expect(() => isolationFor('STANDARD', ['runc'], { STANDARD: 'runsc' })).toThrow(/no OCI runtime "runsc"/);
  });
});

describe('sinceAfter', () => {
  it('resumes one nanosecond after the last delivered line, carrying into the next second', () => {
    expect(sinceAfter('2026-11-21T07:04:54.528085524Z')).toBe(`${Date.parse('2026-11-21T07:04:54Z') / 1000}.528085525`);
    expect(sinceAfter('2026-11-21T07:04:54.999999999Z')).toBe(`${Date.parse('2026-11-21T07:04:55Z') / 1000}.000000000`);
    expect(sinceAfter('2026-11-21T07:04:54.5Z', 0)).toBe(`${Date.parse('2026-11-21T07:04:54Z') / 1000}.500000000`);
    expect(sinceAfter('not a time')).toBeUndefined();
  });
});

describe('tarOfFiles', () => {
  it('writes ustar headers owned by uid/gid 10001 with valid checksums and 512-byte padding', () => {
    const tar = tarOfFiles([{ name: 'secrets.json', mode: 0o400, content: Buffer.from('{"a":1}') }], 1_700_000_000);
    expect(tar.length).toBe(512 + 512 + 1024);
    const header = tar.subarray(0, 512);
    const field = (offset: number, length: number): string => header.subarray(offset, offset + length).toString('ascii').replace(/\0.*$/s, '').trim();
    expect(field(0, 100)).toBe('secrets.json');
    expect(parseInt(field(100, 8), 8)).toBe(0o400);
    expect(parseInt(field(108, 8), 8)).toBe(10001);
    expect(parseInt(field(116, 8), 8)).toBe(10001);
    expect(parseInt(field(124, 12), 8)).toBe(7);
    let sum = 0;
    header.forEach((byte, index) => (sum += index >= 148 && index < 156 ? 32 : byte));
    expect(parseInt(field(148, 8), 8)).toBe(sum);
    expect(tar.subarray(512, 519).toString()).toBe('{"a":1}');
    expect(() => tarOfFiles([{ name: 'nested/file', mode: 0o444, content: Buffer.alloc(0) }], 0)).toThrow(/not supported/);
  });
});
