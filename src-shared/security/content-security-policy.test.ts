import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  contentSecurityPolicy,
  devServerContentSecurityPolicy,
  metaContentSecurityPolicy,
  withContentSecurityPolicy,
} from './content-security-policy';

const indexHtml = readFileSync(new URL('../../src-renderer/index.html', import.meta.url), 'utf8');

/** The CSP meta tags of a page, as written. */
function metaPolicies(html: string): string[] {
  return [...html.matchAll(/<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]*)"/gi)].map((match) => match[1] ?? '');
}

describe('content security policy', () => {
  it('is the strict policy the window requires', () => {
    expect(contentSecurityPolicy).toBe(
      "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
        "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
    );
  });

  it('is in index.html as exactly one meta tag, equal to the header minus frame-ancestors', () => {
    expect(metaPolicies(indexHtml)).toEqual([metaContentSecurityPolicy]);
    expect(metaContentSecurityPolicy).toBe(contentSecurityPolicy.replace("; frame-ancestors 'none'", ''));
  });

  it('relaxes only script and connect sources for the dev server, never to remote origins', () => {
    expect(devServerContentSecurityPolicy).toContain("script-src 'self' 'unsafe-inline';");
    expect(devServerContentSecurityPolicy).not.toMatch(/https?:|\*\.|'unsafe-eval'/);
    expect(devServerContentSecurityPolicy).toContain("object-src 'none'");
  });

  it('replaces every spelling of a server-sent CSP header and keeps the other headers', () => {
    const headers = withContentSecurityPolicy({
      'content-security-policy': ["default-src *"],
      'CONTENT-SECURITY-POLICY': ["script-src 'unsafe-eval'"],
      'Content-Type': ['text/html'],
    });
    expect(headers).toEqual({ 'Content-Type': ['text/html'], 'Content-Security-Policy': [contentSecurityPolicy] });
  });

  it('sets the header when the response had none', () => {
    expect(withContentSecurityPolicy(undefined)).toEqual({ 'Content-Security-Policy': [contentSecurityPolicy] });
  });
});
