/**
 * Debian's Chromium driven by playwright-core (no Playwright-managed browser download: the
 * machines that run these suites have no network beyond package registries). A missing browser
 * fails the suite with the command that installs it; it never skips silently.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import type { BrowserContext } from 'playwright-core';

/** AGENTDOCK_CHROMIUM, else Debian's /usr/bin/chromium. */
export const CHROMIUM_PATH = process.env.AGENTDOCK_CHROMIUM ?? '/usr/bin/chromium';

/** Throws, saying how to install it, when the browser is not there. */
export function requireChromium(): string {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium is not installed at ${CHROMIUM_PATH}: the browser e2e suites need it. Install it with \`apt-get install -y chromium\` ` +
        '(Debian/Ubuntu; .ci/run does), or point AGENTDOCK_CHROMIUM at a Chromium/Chrome binary. Do not use `npx playwright install`.',
    );
  }
  return CHROMIUM_PATH;
}

/**
 * Flags for a quiet, offline, container-friendly browser. --no-sandbox: CI containers run as root,
 * where Chromium's sandbox cannot start; the pages are our own console, not the open web.
 */
const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-dev-shm-usage'];

export interface Browser {
  context: BrowserContext;
  /** Closes the browser and removes its profile. */
  close(): Promise<void>;
}

/** Launches headless Chromium with a fresh profile directory. */
export async function launchChromium(): Promise<Browser> {
  const executablePath = requireChromium();
  const profile = mkdtempSync(path.join(tmpdir(), 'agentdock-chromium-'));
  try {
    const context = await chromium.launchPersistentContext(profile, { executablePath, headless: true, args: FLAGS, viewport: { width: 1280, height: 800 } });
    return {
      context,
      async close() {
        await context.close();
        rmSync(profile, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(profile, { recursive: true, force: true });
    throw error;
  }
}
