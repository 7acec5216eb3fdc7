import { describe, expect, it } from 'vitest';
import { IgnoreMatcher } from './ignore-rules';

describe('IgnoreMatcher', () => {
  const matcher = new IgnoreMatcher({
    ignoreFileText: ['# comment', '', '*.log', '!important.log', 'build/', '/root-only.txt', 'docs/**/draft-*.md', 'a?c.txt', 'data/[ab].csv', '\\#hash.txt'].join('\n'),
  });
  const verdict = (file: string, isDirectory = false) => matcher.verdict(file, isDirectory);

  it('matches a slash-free pattern at any depth and lets a later negation win', () => {
    expect(verdict('debug.log')).toBe('ignore');
    expect(verdict('deep/er/debug.log')).toBe('ignore');
    expect(verdict('deep/important.log')).toBe('include');
  });

  it('applies a trailing slash to directories only', () => {
    expect(verdict('build', true)).toBe('ignore');
    expect(verdict('src/build', true)).toBe('ignore');
    expect(verdict('build')).toBe('include');
  });

  it('anchors patterns with a slash at the root', () => {
    expect(verdict('root-only.txt')).toBe('ignore');
    expect(verdict('sub/root-only.txt')).toBe('include');
  });

  it('supports **, ?, character classes and escapes', () => {
    expect(verdict('docs/draft-a.md')).toBe('ignore');
    expect(verdict('docs/x/y/draft-b.md')).toBe('ignore');
    expect(verdict('docs/x/final.md')).toBe('include');
    expect(verdict('abc.txt')).toBe('ignore');
    expect(verdict('a/c.txt')).toBe('include');
    expect(verdict('data/a.csv')).toBe('ignore');
    expect(verdict('data/c.csv')).toBe('include');
    expect(verdict('#hash.txt')).toBe('ignore');
  });

  it('treats secret-looking names as secrets, which no negation can re-include', () => {
    const permissive = new IgnoreMatcher({ ignoreFileText: '!.env\n!*.pem\n!.ssh/\n' });
    for (const file of ['.env', 'config/.env.local', 'tls/server.pem', 'id_rsa', 'id_ed25519.pub', '.npmrc', 'svc/credentials.json']) expect(permissive.verdict(file, false)).toBe('secret');
    expect(permissive.verdict('.ssh', true)).toBe('secret');
    expect(permissive.verdict('.git', true)).toBe('secret');
    expect(permissive.verdict('environment.ts', false)).toBe('include');
    expect(permissive.verdict('keys.ts', false)).toBe('include');
  });

  it('leaves caches out by default and lets the project bring one back', () => {
    expect(new IgnoreMatcher().verdict('pkg/__pycache__', true)).toBe('ignore');
    expect(new IgnoreMatcher().verdict('node_modules/.cache', true)).toBe('ignore');
    expect(new IgnoreMatcher().verdict('node_modules', true)).toBe('include');
    expect(new IgnoreMatcher({ extraIgnores: ['node_modules/'] }).verdict('node_modules', true)).toBe('ignore');
    expect(new IgnoreMatcher({ ignoreFileText: '!.vscode/' }).verdict('.vscode', true)).toBe('include');
  });
});
