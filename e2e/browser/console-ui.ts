/**
 * Driving the console as a user does: the sidebar, tabs and buttons by their accessible names,
 * Monaco through the keyboard, and the console's own answers read from the page. Suites compose
 * these; none of them reaches into React state.
 */
import type { BrowserContext, Page } from 'playwright-core';

/** Collects what a page reports going wrong, to assert there was nothing. */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => errors.push(`uncaught: ${error.message}`));
  return errors;
}

/** Clicks a sidebar destination and waits for its heading. */
export async function openNav(page: Page, label: string, heading = label): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: label, exact: true }).click();
  await page.getByRole('heading', { level: 1, name: heading, exact: true }).waitFor();
}

/** Opens an agent's detail from the fleet table, on one tab. */
export async function openAgentTab(page: Page, agent: string, tab: string): Promise<void> {
  await openNav(page, 'Agents');
  await page.getByRole('table', { name: 'Agents' }).getByRole('link', { name: agent, exact: true }).click();
  await page.getByRole('heading', { level: 1, name: agent, exact: true }).waitFor();
  await page.getByRole('tablist', { name: `${agent} sections` }).getByRole('tab', { name: tab, exact: true }).click();
}

/**
 * Replaces the whole editor buffer as a user pasting a Dockfile does: focus Monaco, select all,
 * paste from the clipboard (typed text would be re-indented line by line by Monaco). The page's
 * context needs clipboard permissions (`grantClipboard`).
 */
export async function replaceEditorText(page: Page, text: string): Promise<void> {
  const editor = page.locator('.monaco-editor').first();
  await editor.waitFor();
  await editor.click();
  // A string expression: it runs in the page (this code is typed for Node).
  await page.evaluate(`navigator.clipboard.writeText(${JSON.stringify(text)})`);
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('ControlOrMeta+V');
}

/** Lets pages of `origin` use the clipboard (pasting into Monaco). */
export async function grantClipboard(context: BrowserContext, origin: string): Promise<void> {
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin });
}

/** The problems list's entries: code and severity of each (data attributes the view sets). */
export async function problems(page: Page): Promise<{ code: string; severity: string; label: string }[]> {
  const items = page.getByRole('list', { name: 'Problems' }).locator('li');
  return items.evaluateAll((nodes) =>
    nodes.map((node) => ({ code: node.getAttribute('data-code') ?? '', severity: node.getAttribute('data-severity') ?? '', label: node.querySelector('button')?.getAttribute('aria-label') ?? '' })),
  );
}

/** Waits until a deploy or rollback panel shows its result; returns `succeeded` or the failure text. */
export async function deployResult(page: Page, panelName: string, timeoutMs = 120_000): Promise<{ state: string; text: string }> {
  const panel = page.getByRole('region', { name: panelName, exact: true });
  const result = panel.locator('[data-deploy-result]');
  await result.waitFor({ timeout: timeoutMs });
  return { state: (await result.getAttribute('data-deploy-result')) ?? '', text: (await result.innerText()).trim() };
}

/**
 * Fills the playground's generated form by field label, invokes (streamed when the agent streams,
 * as the playground defaults to), and waits until the run's output matches `expected` (each step's
 * output differs, so a stale result never matches). Returns the output and the run's figures.
 */
export async function invokeFromPlayground(page: Page, fields: Record<string, string>, expected: RegExp): Promise<{ status: string; output: string; figures: string }> {
  const form = page.getByRole('form', { name: 'Invocation input' });
  for (const [label, value] of Object.entries(fields)) await form.getByLabel(label).fill(value);
  await form.getByRole('button', { name: 'Invoke', exact: true }).click();
  const run = page.getByRole('region', { name: 'Streamed run' });
  await run.getByLabel('Run output').filter({ hasText: expected }).waitFor({ timeout: 30_000 });
  return { status: (await run.getAttribute('data-status')) ?? '', output: await run.getByLabel('Run output').innerText(), figures: await run.getByLabel('Run figures').innerText() };
}
