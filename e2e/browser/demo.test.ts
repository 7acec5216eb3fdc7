// The offline conference demo as a presenter runs it (issue 7), in Chromium through `agentdock
// serve` on an empty data dir: "Run the demo" on the welcome screen (fast, pausing at each
// incident), then at every scripted incident the run waits while the control panel is checked for
// what the audience should see — the breaker's fallback, the key rotation, the redaction counted,
// the budget warning with its "approve increase" — and photographed (e2e/artifacts/demo-*.png),
// then Continue. The run ends with the summary and zero console errors.
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { screenshot } from './artifacts';
import { consoleSuite } from './console-suite';

const AGENT = 'lead-gen-demo';
const suite = consoleSuite({ agent: AGENT, name: 'demo' });

const strip = (page: Page) => page.getByRole('region', { name: 'Offline demo' });

/** Waits until the run is paused after `lead`, checks the strip shows how far it got, and returns the incidents listed. */
async function pausedAfter(lead: number): Promise<string[]> {
  const demo = strip(suite.page);
  await demo.getByRole('status').filter({ hasText: `Paused after lead #${lead} ` }).waitFor({ timeout: 60_000 });
  expect(await demo.getByText(new RegExp(`^${lead} / 100 leads`)).count()).toBe(1);
  return demo.getByRole('list', { name: 'Scripted incidents' }).locator('li').evaluateAll((items) => items.map((item) => `${item.getAttribute('data-kind')}#${/lead #(\d+)/.exec(item.textContent ?? '')?.[1]}`));
}

async function carryOn(): Promise<void> {
  await strip(suite.page).getByRole('button', { name: 'Continue', exact: true }).click();
  await strip(suite.page).getByRole('status').waitFor({ state: 'detached' });
}

/** A control-panel figure (its data-testid), once it matches. */
async function figure(testId: string, expected: RegExp): Promise<string> {
  const value = suite.page.getByTestId(testId).filter({ hasText: expected });
  await value.waitFor({ timeout: 30_000 });
  return value.innerText();
}

describe('the offline demo from the welcome screen', () => {
  it('starts on an empty fleet with one click and shows the run on the control panel', async () => {
    await suite.page.getByRole('heading', { name: 'Welcome to AgentDock' }).waitFor();
    await screenshot(suite.page, 'demo-00-welcome');
    const pause = suite.page.getByRole('checkbox', { name: /Pause at each incident/ });
    expect(await pause.isChecked()).toBe(true);
    await suite.page.getByRole('button', { name: 'Fast run (seconds)' }).click();
    await suite.page.getByRole('heading', { level: 1, name: 'Control panel', exact: true }).waitFor();
    await strip(suite.page).getByText(/agent_id: lg-[0-9a-f]{8}/).waitFor({ timeout: 120_000 });
  });

  it('#34: LinkedIn rate-limits, the breaker opens and the snapshot answers', async () => {
    expect(await pausedAfter(34)).toEqual(['rate_limited#34', 'breaker_open#34']);
    await figure('control-progress', /^34 \/ 100 leads/);
    // The panel knows the agent was deployed, with its $50 budget, without waiting for a refresh tick.
    await figure('control-status', /1 running/);
    await figure('control-spend', / \/ \$50\.00$/);
    const notifications = suite.page.getByRole('list', { name: 'Notifications' });
    await notifications.locator('li[data-source=breaker]').first().waitFor();
    // While the run waits, what events cannot patch (latency, runs per hour) catches up too.
    await figure('control-latency', /P50: \d/);
    await screenshot(suite.page, 'demo-01-breaker-open');
    await carryOn();
  });

  it('#50: the OpenAI key is rotated and reloaded with no restart', async () => {
    expect((await pausedAfter(50)).at(-1)).toBe('key_rotated#50');
    await strip(suite.page).locator('li[data-kind=key_rotated]').filter({ hasText: 'reloaded it with no restart' }).waitFor();
    await screenshot(suite.page, 'demo-02-key-rotated');
    await carryOn();
  });

  it('#61: the breaker closes after its cooldown', async () => {
    expect((await pausedAfter(61)).at(-1)).toBe('breaker_recovered#61');
    // One notification for the outage and one for the recovery, not one per failed trial between.
    const notifications = suite.page.getByRole('list', { name: 'Notifications' });
    await notifications.locator('li[data-source=breaker]').filter({ hasText: 'linkedin recovered' }).waitFor();
    expect(await notifications.locator('li[data-source=breaker]').allInnerTexts()).toEqual([expect.stringContaining('linkedin recovered'), expect.stringContaining('circuit breaker open for linkedin')]);
    await screenshot(suite.page, 'demo-03-breaker-recovered');
    await carryOn();
  });

  it('#67: the e-mail address is redacted and the protection counter goes up', async () => {
    expect((await pausedAfter(67)).at(-1)).toBe('pii_redacted#67');
    expect(Number(await figure('protection-pii', /^[1-9]\d*$/))).toBeGreaterThanOrEqual(1);
    await screenshot(suite.page, 'demo-04-pii-redacted');
    await carryOn();
  });

  it('#85: 90% of the budget is spent, and the warning offers to approve an increase', async () => {
    expect((await pausedAfter(85)).at(-1)).toBe('budget_warning#85');
    await strip(suite.page).locator('li[data-kind=budget_warning]').filter({ hasText: 'the console, the webhook, the mailbox' }).waitFor();
    const spend = await figure('control-spend', /^\$4[5-9]\.\d\d \/ \$50\.00$/);
    expect(Number(spend.slice(1, 6))).toBeGreaterThanOrEqual(45);
    const warning = suite.page.getByRole('list', { name: 'Notifications' }).locator('li[data-source="alert:budget_warning"]');
    await warning.waitFor();
    await screenshot(suite.page, 'demo-05-budget-warning');

    // The presenter approves the increase on stage: the running agent enforces the new limit.
    await warning.getByRole('button', { name: 'Approve budget increase' }).click();
    const dialog = suite.page.getByRole('dialog', { name: 'Approve budget increase' });
    await dialog.getByLabel('New limit per replica (USD)').fill('75.00');
    await dialog.getByRole('button', { name: 'Approve increase' }).click();
    await figure('control-spend', /\/ \$75\.00$/);
    await screenshot(suite.page, 'demo-06-budget-raised');
    await carryOn();
  });

  it('ends with the summary: every lead processed, the savings, and nothing went wrong in the page', async () => {
    const summary = strip(suite.page).locator('.demo-summary');
    await summary.filter({ hasText: /^Done: 100 leads, 100% \(100\/100\) succeeded/ }).waitFor({ timeout: 60_000 });
    expect(await strip(suite.page).getAttribute('data-status')).toBe('done');
    await figure('control-progress', /^100 \/ 100 leads/);
    await screenshot(suite.page, 'demo-07-summary');
    expect(suite.errors).toEqual([]);
  });
});
