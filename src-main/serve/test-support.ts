/** Helpers for serve-mode tests: a small renderer directory and raw HTTP requests (fetch would normalise the paths under test). */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const SECRET_OUTSIDE = 'the file beside the root must never be served';

/** A temp dir holding `renderer/` (index.html, hashed assets) and, beside it, `secret.txt`. */
export function makeRendererFixture(): { dir: string; rendererDir: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'agentdock-serve-'));
  const rendererDir = path.join(dir, 'renderer');
  mkdirSync(path.join(rendererDir, 'assets'), { recursive: true });
  writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>AgentDock</title><div id="root"></div>\n');
  writeFileSync(path.join(rendererDir, 'assets', 'index-Bq3x9Z.js'), 'console.log("app");\n');
  writeFileSync(path.join(rendererDir, 'assets', 'index-Cc81aa.css'), 'body{}\n');
  writeFileSync(path.join(rendererDir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>\n');
  writeFileSync(path.join(dir, 'secret.txt'), `${SECRET_OUTSIDE}\n`);
  return { dir, rendererDir };
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** Sends `method rawPath` exactly as written (no URL normalisation) to origin. */
export function rawRequest(origin: string, rawPath: string, options: { method?: string; headers?: Record<string, string> } = {}): Promise<RawResponse> {
  const url = new URL(origin);
  return new Promise((resolve, reject) => {
    const outgoing = request({ host: url.hostname, port: url.port, path: rawPath, method: options.method ?? 'GET', headers: options.headers ?? {}, agent: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString('utf8') }));
      response.on('error', reject);
    });
    outgoing.on('error', reject);
    outgoing.end();
  });
}

/**
 * Builds the renderer into out/renderer when it is not there (`npm test` runs the unit tests
 * before `npm run build`), under a lock so parallel test files never build it twice at once.
 */
export function ensureRendererBuilt(): void {
  const root = path.resolve(import.meta.dirname, '../..');
  if (existsSync(path.join(root, 'out', 'renderer', 'index.html'))) return;
  const build = `[ -f out/renderer/index.html ] || node_modules/.bin/electron-vite build`;
  execFileSync('flock', [path.join(tmpdir(), 'agentdock-build-renderer.lock'), 'sh', '-c', build], { cwd: root, stdio: 'inherit', timeout: 600_000 });
}
