import { describe, expect, it } from 'vitest';
import { isAppUrl, toDevServerUrl, toExternalUrl } from './url-safety';

const devEntry = 'http://localhost:5173/';
const fileEntry = 'file:///opt/AgentDock/resources/app/out/renderer/index.html';

describe('toExternalUrl', () => {
  it('lets http and https URLs out, normalised', () => {
    expect(toExternalUrl('https://docs.example.com/guide?x=1#y')).toBe('https://docs.example.com/guide?x=1#y');
    expect(toExternalUrl('http://example.com')).toBe('http://example.com/');
    expect(toExternalUrl('HTTPS://Example.COM/a')).toBe('https://example.com/a');
  });

  it.each([
    ['javascript:', 'javascript:alert(document.domain)'],
    ['javascript: with leading whitespace', '  javascript:alert(1)'],
    ['file:', 'file:///etc/passwd'],
    ['file: executable', 'file:///C:/Windows/System32/calc.exe'],
    ['data:', 'data:text/html,<script>alert(1)</script>'],
    ['custom scheme', 'ms-msdt:/id PCWDiagnostic /skip force'],
    ['custom scheme with slashes', 'vscode://extension/install'],
    ['ftp:', 'ftp://example.com/file'],
    ['blob:', 'blob:https://example.com/uuid'],
  ])('refuses %s', (_name, url) => {
    expect(toExternalUrl(url)).toBeUndefined();
  });

  it('refuses URLs with credentials, including the deceptive user@host form', () => {
    expect(toExternalUrl('https://user:secret@example.com/')).toBeUndefined();
    expect(toExternalUrl('https://github.com@evil.example/')).toBeUndefined();
    expect(toExternalUrl('https://:secret@example.com/')).toBeUndefined();
  });

  it.each([['', ''], ['relative path', '/docs'], ['no scheme', 'example.com'], ['bad host', 'http://exa mple.com'], ['empty host', 'http://']])(
    'refuses malformed input: %s',
    (_name, url) => {
      expect(toExternalUrl(url)).toBeUndefined();
    },
  );

  it('refuses non-string input', () => {
    for (const value of [undefined, null, 42, {}, ['https://example.com'], new URL('https://example.com')]) {
      expect(toExternalUrl(value)).toBeUndefined();
    }
  });
});

describe('isAppUrl with the dev server entry', () => {
  it('allows the app origin, any path', () => {
    expect(isAppUrl('http://localhost:5173/', devEntry)).toBe(true);
    expect(isAppUrl('http://localhost:5173/agents/42?tab=logs#top', devEntry)).toBe(true);
  });

  it('refuses other origins: host, port, scheme', () => {
    expect(isAppUrl('http://localhost:5174/', devEntry)).toBe(false);
    expect(isAppUrl('http://127.0.0.1:5173/', devEntry)).toBe(false);
    expect(isAppUrl('https://localhost:5173/', devEntry)).toBe(false);
    expect(isAppUrl('https://evil.example/', devEntry)).toBe(false);
    expect(isAppUrl('http://localhost:5173.evil.example/', devEntry)).toBe(false);
  });

  it('refuses the app origin with credentials', () => {
    expect(isAppUrl('http://user:pw@localhost:5173/', devEntry)).toBe(false);
  });

  it.each(['javascript:alert(1)', 'data:text/html,hi', 'about:blank', 'file:///etc/passwd', 'agentdock://open', 'not a url', ''])(
    'refuses %j',
    (url) => {
      expect(isAppUrl(url, devEntry)).toBe(false);
    },
  );
});

describe('isAppUrl with the built file entry', () => {
  it('allows exactly the entry file, with any query or fragment', () => {
    expect(isAppUrl(fileEntry, fileEntry)).toBe(true);
    expect(isAppUrl(`${fileEntry}#/agents/42`, fileEntry)).toBe(true);
    expect(isAppUrl(`${fileEntry}?panel=metrics`, fileEntry)).toBe(true);
  });

  it('treats equivalent percent-encodings of the entry path as the same file', () => {
    const spaced = 'file:///Users/a%20b/AgentDock/out/renderer/index.html';
    expect(isAppUrl('file:///Users/a b/AgentDock/out/renderer/index.html', spaced)).toBe(true);
  });

  it('refuses any other file, even one with the same name elsewhere or on another host', () => {
    expect(isAppUrl('file:///etc/passwd', fileEntry)).toBe(false);
    expect(isAppUrl('file:///opt/AgentDock/resources/app/out/renderer/other.html', fileEntry)).toBe(false);
    expect(isAppUrl('file:///tmp/evil/out/renderer/index.html', fileEntry)).toBe(false);
    expect(isAppUrl('file://remote-host/opt/AgentDock/resources/app/out/renderer/index.html', fileEntry)).toBe(false);
  });

  it('refuses web and script URLs', () => {
    expect(isAppUrl('https://example.com/index.html', fileEntry)).toBe(false);
    expect(isAppUrl('javascript:alert(1)', fileEntry)).toBe(false);
    expect(isAppUrl('data:text/html,hi', fileEntry)).toBe(false);
  });

  it('refuses malformed percent-encoding', () => {
    expect(isAppUrl('file:///opt/AgentDock/resources/app/out/renderer/index%E0%A4%A.html', fileEntry)).toBe(false);
  });
});

describe('isAppUrl with an unusable entry', () => {
  it('allows nothing when the entry is malformed or not http(s)/file', () => {
    expect(isAppUrl('http://localhost:5173/', 'not a url')).toBe(false);
    expect(isAppUrl('agentdock://app/index.html', 'agentdock://app/index.html')).toBe(false);
    expect(isAppUrl('data:text/html,x', 'data:text/html,x')).toBe(false);
  });
});

describe('toDevServerUrl', () => {
  it('accepts loopback http(s) dev servers', () => {
    expect(toDevServerUrl('http://localhost:5173')).toBe('http://localhost:5173/');
    expect(toDevServerUrl('http://127.0.0.1:5173/')).toBe('http://127.0.0.1:5173/');
    expect(toDevServerUrl('https://[::1]:5173/')).toBe('https://[::1]:5173/');
  });

  it('refuses remote hosts, look-alikes, credentials and other schemes', () => {
    expect(toDevServerUrl('https://evil.example/')).toBeUndefined();
    expect(toDevServerUrl('http://localhost.evil.example:5173/')).toBeUndefined();
    expect(toDevServerUrl('http://127.0.0.1.nip.io:5173/')).toBeUndefined();
    expect(toDevServerUrl('http://user:pw@localhost:5173/')).toBeUndefined();
    expect(toDevServerUrl('file:///tmp/index.html')).toBeUndefined();
    expect(toDevServerUrl('javascript:alert(1)')).toBeUndefined();
    expect(toDevServerUrl('')).toBeUndefined();
    expect(toDevServerUrl(undefined)).toBeUndefined();
  });
});
