// The desktop app under Playwright's `_electron`, the same smoke path as the browser suite
// (e2e/browser/smoke.test.ts) where it applies to Electron: the window opens under its strict CSP
// with zero console errors, no sign-in (the desktop user owns the data dir and is its admin), the
// fleet view renders and the connection is up, the page's own `window.api` carries the console
// contract (mode electron, role admin), and the renderer has no Node (sandbox, contextIsolation).
// Serve mode's viewer sign-ins do not exist in the desktop app, so that part has no counterpart.
//
// Where the Electron binary is missing (these build machines cannot download it) the suite skips
// and prints why, in one line: the only skip the suites allow (e2e/README.md).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { _electron as electron } from 'playwright-core';
import type { ElectronApplication, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshot } from '../browser/artifacts';
import { ensureRendererBuilt, REPO_ROOT } from '../browser/serve-process';
import { findElectronBinary } from './electron-binary';

const binary = findElectronBinary();
if (!binary.found) console.log(`[e2e/electron] skipped: ${binary.reason}`);

/** Refuses, saying what to do, where Electron cannot start (its sandbox is never turned off to get around it). */
function requireDisplayAndUser(): void {
  if (process.platform !== 'linux') return;
  if (!process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) throw new Error('No display for the Electron window: run the suite under `xvfb-run -a npx vitest run --config e2e/vitest.config.ts e2e/electron`.');
  if (process.getuid?.() === 0) throw new Error('Electron does not start as root with its sandbox on, and the suite never turns the sandbox off: run it as a normal user.');
}

describe.skipIf(!binary.found)('the desktop app under Electron', () => {
  let app: ElectronApplication | undefined;
  let page: Page;
  let home: string;
  const errors: string[] = [];

  beforeAll(async () => {
    if (!binary.found) return;
    requireDisplayAndUser();
    ensureRendererBuilt();
    home = mkdtempSync(path.join(tmpdir(), 'agentdock-e2e-electron-'));
    app = await electron.launch({
      executablePath: binary.path,
      args: [REPO_ROOT],
      cwd: REPO_ROOT,
      // A temp data dir; the passphrase keeps the test off the OS keychain (none in CI sessions).
      env: { ...process.env, AGENTDOCK_HOME: home, AGENTDOCK_MASTER_KEY: 'e2e-electron-passphrase-0123456789', AGENTDOCK_ACTOR: 'e2e-desktop', NO_COLOR: '1' } as Record<string, string>,
    });
    page = await app.firstWindow();
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(`console: ${message.text()}`);
    });
    page.on('pageerror', (error) => errors.push(`uncaught: ${error.message}`));
    await page.waitForLoadState('load');
  });

  afterAll(async () => {
    await app?.close();
    if (home) rmSync(home, { recursive: true, force: true });
  });

  it('opens one window on the built console, with no sign-in, and renders the fleet view connected', async () => {
    expect(await page.title()).toBe('AgentDock');
    expect(new URL(page.url()).protocol).toBe('file:');
    await page.getByRole('heading', { level: 1, name: 'Agents', exact: true }).waitFor();
    await page.getByRole('status', { name: 'Connection: connected' }).waitFor();
    await page.getByText('0 agents', { exact: true }).waitFor();
    expect(await page.getByRole('button', { name: /sign in/i }).count()).toBe(0);
    expect(app!.windows()).toHaveLength(1);
  });

  it("answers the contract over the page's own window.api: mode electron, the local user as admin", async () => {
    // A string expression: it runs in the page. A high id keeps clear of the renderer's own requests.
    const info = await page.evaluate(`new Promise((resolve) => {
      const id = 900000001;
      const stop = window.api.onMessage((message) => {
        if (message.type === 'result' && message.id === id) { stop(); resolve(message.result); }
      });
      window.api.send({ type: 'request', id, channel: 'app:info', input: {} });
    })`);
    expect(info).toEqual({ ok: true, value: expect.objectContaining({ name: 'AgentDock', mode: 'electron', role: 'admin', user: 'e2e-desktop' }) });
  });

  it('gives the renderer no Node and nothing but window.api from the preload', async () => {
    expect(await page.evaluate('[typeof require, typeof process, typeof module, Object.keys(window.api).sort().join(",")]')).toEqual(['undefined', 'undefined', 'undefined', 'onClose,onMessage,send']);
  });

  it('leaves no console errors behind', async () => {
    await screenshot(page, 'electron-smoke');
    expect(errors).toEqual([]);
  });
});
