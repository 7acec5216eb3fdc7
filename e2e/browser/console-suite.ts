/**
 * The fixture a browser suite that works on one agent shares: `agentdock serve` on a temp home and
 * a work dir, headless Chromium with clipboard access signed in on the console, a screenshot of
 * every failed test, and at the end the suite's agent stopped (serve leaves agents running by
 * design) and serve asserted to exit 0 on SIGTERM.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import type { Page } from 'playwright-core';
import { screenshot } from './artifacts';
import { launchChromium, requireChromium } from './chromium';
import type { Browser } from './chromium';
import { grantClipboard, watchErrors } from './console-ui';
import { ensureRendererBuilt, startServe } from './serve-process';
import type { ServeProcess } from './serve-process';

export interface ConsoleSuite {
  serve: ServeProcess;
  browser: Browser;
  /** The signed-in admin page every test drives. */
  page: Page;
  /** What that page reported going wrong (console errors, uncaught exceptions). */
  errors: string[];
  /** A temp dir for the suite's projects, removed at the end. */
  workDir: string;
}

export interface ConsoleSuiteOptions {
  /** The agent the suite deploys; stopped at the end. */
  agent: string;
  /** Names the temp dir and the failure screenshots (`<name>-failed-<test>.png`). */
  name: string;
  /** Runs once serve is up, before the browser opens (e.g. deploys and drives traffic). */
  prepare?: (suite: Pick<ConsoleSuite, 'serve' | 'workDir'>) => Promise<void> | void;
  /** Timeout of the set-up hook, when `prepare` takes longer than the default. */
  setupTimeoutMs?: number;
  /** Extra environment for serve and its CLI (e.g. KUBECONFIG), asked for when the suite starts. */
  env?: () => Record<string, string>;
}

/** Registers the suite's hooks; the returned object's fields are set once `beforeAll` has run. */
export function consoleSuite(options: ConsoleSuiteOptions): ConsoleSuite {
  const suite = {} as ConsoleSuite;

  beforeAll(async () => {
    requireChromium();
    ensureRendererBuilt();
    suite.workDir = mkdtempSync(path.join(tmpdir(), `agentdock-e2e-${options.name}-`));
    suite.serve = await startServe([], undefined, options.env?.() ?? {});
    await options.prepare?.(suite);
    suite.browser = await launchChromium();
    await grantClipboard(suite.browser.context, suite.serve.origin);
    suite.page = await suite.browser.context.newPage();
    suite.page.setDefaultTimeout(20_000);
    suite.errors = watchErrors(suite.page);
    await suite.page.goto(suite.serve.url, { waitUntil: 'load' });
  }, options.setupTimeoutMs);

  // A failed step leaves a picture of what the user would have seen.
  afterEach(async (context) => {
    if (context.task.result?.state === 'fail' && suite.page) await screenshot(suite.page, `${options.name}-failed-${context.task.name.slice(0, 40).replace(/[^a-z0-9]+/gi, '-')}`);
  });

  afterAll(async () => {
    await suite.browser?.close();
    if (suite.serve) {
      try {
        suite.serve.cli(['stop', options.agent]);
      } catch {
        // Nothing deployed (an earlier step failed): nothing to stop.
      }
      const stderr = suite.serve.stderr();
      expect(await suite.serve.stop(), `agentdock serve did not exit cleanly on SIGTERM. stderr:\n${stderr}`).toBe(0);
    }
    if (suite.workDir) rmSync(suite.workDir, { recursive: true, force: true });
  });

  return suite;
}
