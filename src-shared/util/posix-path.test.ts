import { describe, expect, it } from 'vitest';
import { basenamePath, dirnamePath, isAbsolutePath, isWithinPath, joinPath, normalizePath, relativePath } from './posix-path';

describe('posix-path', () => {
  it('normalizes dots and slashes without climbing above the root', () => {
    expect(normalizePath('/a/./b//c/../d')).toBe('/a/b/d');
    expect(normalizePath('/../../etc')).toBe('/etc');
    expect(normalizePath('a/../../b')).toBe('../b');
    expect(normalizePath('C:/x/../y')).toBe('C:/y');
  });
  it('joins relative segments onto a base and restarts at absolute ones', () => {
    expect(joinPath('/proj/conf', '../shared/x.yaml')).toBe('/proj/shared/x.yaml');
    expect(joinPath('/proj', '/etc/passwd')).toBe('/etc/passwd');
  });
  it('splits directory and base names', () => {
    expect(dirnamePath('/proj/Dockfile.yaml')).toBe('/proj');
    expect(dirnamePath('/Dockfile.yaml')).toBe('/');
    expect(dirnamePath('C:/Dockfile.yaml')).toBe('C:/');
    expect(basenamePath('/proj/Dockfile.yaml')).toBe('Dockfile.yaml');
  });
  it('decides containment on segment boundaries, not string prefixes', () => {
    expect(isWithinPath('/proj', '/proj/a/b')).toBe(true);
    expect(isWithinPath('/proj', '/proj')).toBe(true);
    expect(isWithinPath('/proj', '/project-evil/a')).toBe(false);
    expect(isWithinPath('/proj', '/proj/../etc')).toBe(false);
  });
  it('recognises absolute paths and makes project-relative names', () => {
    expect(isAbsolutePath('/x')).toBe(true);
    expect(isAbsolutePath('D:/x')).toBe(true);
    expect(isAbsolutePath('x/y')).toBe(false);
    expect(relativePath('/proj', '/proj/conf/a.yaml')).toBe('conf/a.yaml');
    expect(relativePath('/proj', '/elsewhere/a.yaml')).toBe('/elsewhere/a.yaml');
  });
});
