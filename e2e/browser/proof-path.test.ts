// The console's proof path (issue 5), driven in Debian Chromium through `agentdock serve` the way
// a user works: create a project on the welcome screen, paste a Dockfile with a mistake and see
// its marker and code, fix it, save, deploy to the local process target, invoke from the
// playground, deploy v2, roll back with the button and see v1 answer again; create an API key,
// use it, revoke it (499); add, reveal and rotate a secret; watch a runtime event reach the events
// panel; and a viewer who cannot deploy. Screenshots of every step land in e2e/artifacts.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { screenshot } from './artifacts';
import { consoleSuite } from './console-suite';
import { deployResult, invokeFromPlayground, openAgentTab, openNav, problems, replaceEditorText, watchErrors } from './console-ui';

const AGENT = 'proof-agent';
const suite = consoleSuite({ agent: AGENT, name: 'proof' });
const projectDir = (): string => path.join(suite.workDir, AGENT);

/** The agent's code as its author writes it in their own editor: no model needed offline. */
function writeAgentCode(version: string): void {
  writeFileSync(path.join(projectDir(), 'src', 'agent.ts'), `export async function graph(input: { question: string }) { return { answer: \`${version}: \${input.question}\` }; }\n`);
}

/** The active deployment's endpoint, as `agentdock status` reports it. */
function endpoint(): string {
  const status = JSON.parse(suite.serve.cli(['status', '--json'])) as { agents: { agent: string; endpoint: string | null }[] };
  const row = status.agents.find((agent) => agent.agent === AGENT);
  if (!row?.endpoint) throw new Error(`no endpoint for ${AGENT}: ${JSON.stringify(status)}`);
  return row.endpoint;
}

function invokeWithKey(key: string): Promise<Response> {
  return fetch(`${endpoint()}/invoke`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': key }, body: JSON.stringify({ question: 'from curl' }) });
}

describe('the Dockfile, from first run to a deployed agent', () => {
  it('creates a starter project from the welcome screen and opens its Dockfile in the editor', async () => {
    await suite.page.getByRole('heading', { name: 'Welcome to AgentDock' }).waitFor();
    const create = suite.page.getByRole('form', { name: 'Create an agent project' });
    await create.getByLabel('New project folder').fill(projectDir());
    await create.getByRole('button', { name: 'Create project' }).click();
    await suite.page.getByRole('heading', { level: 1, name: 'Editor' }).waitFor();
    await suite.page.locator('.monaco-editor').first().waitFor();
    await suite.page.getByRole('status', { name: 'No errors' }).waitFor();
    await screenshot(suite.page, 'proof-01-new-project');
  });

  it('shows the marker and its code for a mistake as it is typed, and clears it once fixed', async () => {
    const scaffolded = readFileSync(path.join(projectDir(), 'Dockfile.yaml'), 'utf8');
    expect(scaffolded).toMatch(/^ {2}temperature: 0\.2$/m);
    await replaceEditorText(suite.page, scaffolded.replace(/^ {2}temperature: 0\.2$/m, '  temperature: 7'));
    await suite.page.getByRole('status', { name: '1 errors' }).waitFor();
    const listed = await problems(suite.page);
    const temperatureLine = scaffolded.split('\n').findIndex((line) => line.startsWith('  temperature:')) + 1;
    expect(listed).toEqual([expect.objectContaining({ code: 'E4002', severity: 'error', label: expect.stringContaining(`E4002 InvalidSchemaError at line ${temperatureLine}:`) })]);
    // Choosing the problem takes the editor to it, where Monaco draws the squiggle.
    await suite.page.getByRole('list', { name: 'Problems' }).getByRole('button', { name: /E4002/ }).click();
    await suite.page.locator('.monaco-editor .squiggly-error').first().waitFor();
    await screenshot(suite.page, 'proof-02-marker');

    await replaceEditorText(suite.page, scaffolded.replace(/^ {2}temperature: 0\.2$/m, '  temperature: 0.7'));
    await suite.page.getByRole('status', { name: 'No errors' }).waitFor();
    expect(await problems(suite.page)).toEqual([]);
    await suite.page.keyboard.press('ControlOrMeta+S');
    await suite.page.getByRole('button', { name: 'Save', exact: true }).and(suite.page.locator(':disabled')).waitFor();
    expect(readFileSync(path.join(projectDir(), 'Dockfile.yaml'), 'utf8')).toBe(scaffolded.replace(/^ {2}temperature: 0\.2$/m, '  temperature: 0.7'));
    await screenshot(suite.page, 'proof-03-fixed-and-saved');
  });

  it('deploys v1 to the local process target and shows every step to healthy', async () => {
    writeAgentCode('v1');
    await suite.page.getByRole('button', { name: 'Deploy…' }).click();
    await suite.page.getByRole('heading', { level: 1, name: 'Deploy' }).waitFor();
    expect(await suite.page.getByLabel('Project directory').inputValue()).toBe(projectDir());
    await suite.page.getByRole('radio', { name: /Local process/ }).check();
    await suite.page.getByRole('button', { name: 'Deploy', exact: true }).click();
    const result = await deployResult(suite.page, 'Deploy');
    expect(result).toEqual({ state: 'succeeded', text: expect.stringContaining(`${AGENT} v1 is active`) });
    const steps = await suite.page.getByRole('list', { name: 'Deploy steps' }).locator('li').evaluateAll((nodes) => nodes.map((node) => [node.getAttribute('data-step'), node.getAttribute('data-state')]));
    expect(steps.every(([, state]) => state === 'done')).toBe(true);
    expect(steps.map(([step]) => step)).toEqual(expect.arrayContaining(['validating', 'building', 'starting', 'health_gate']));
    await screenshot(suite.page, 'proof-04-deployed-v1');
  }, 150_000);

  it('lists the agent healthy in the fleet and answers from the playground', async () => {
    await openNav(suite.page, 'Agents');
    const row = suite.page.getByRole('table', { name: 'Agents' }).getByRole('row').filter({ hasText: AGENT });
    await row.getByText('healthy').waitFor();
    await screenshot(suite.page, 'proof-05-fleet-healthy');
    await openAgentTab(suite.page, AGENT, 'Playground');
    const answer = await invokeFromPlayground(suite.page, { question: 'hello' }, /v1: hello/);
    expect(answer.status).toBe('done');
    expect(JSON.parse(answer.output)).toEqual({ answer: 'v1: hello' });
    expect(answer.figures).toMatch(/Tokens[\s\S]*Cost[\s\S]*Duration/);
    await screenshot(suite.page, 'proof-06-playground-v1');
  });

  it('deploys v2, then the Rollback button brings v1 back and v1 serves again', async () => {
    writeAgentCode('v2');
    await openNav(suite.page, 'Deploy');
    await suite.page.getByRole('button', { name: 'Deploy', exact: true }).click();
    expect(await deployResult(suite.page, 'Deploy')).toEqual({ state: 'succeeded', text: expect.stringContaining(`${AGENT} v2 is active`) });
    await openAgentTab(suite.page, AGENT, 'Playground');
    expect(JSON.parse((await invokeFromPlayground(suite.page, { question: 'hello' }, /v2: hello/)).output)).toEqual({ answer: 'v2: hello' });

    await suite.page.getByRole('tab', { name: 'Versions', exact: true }).click();
    const versions = suite.page.getByRole('table', { name: 'Versions' });
    await versions.locator('tr[data-version="v2"].active-version').waitFor();
    await versions.getByRole('button', { name: 'Rollback to v1' }).click();
    const rolledBack = await deployResult(suite.page, 'Rollback to v1');
    expect(rolledBack.state).toBe('succeeded');
    await versions.locator('tr[data-version="v1"].active-version').waitFor();
    await screenshot(suite.page, 'proof-07-rolled-back');

    await suite.page.getByRole('tab', { name: 'Playground', exact: true }).click();
    expect(JSON.parse((await invokeFromPlayground(suite.page, { question: 'again' }, /v1: again/)).output)).toEqual({ answer: 'v1: again' });
  }, 300_000);
});

describe('keys, secrets and live events', () => {
  let rawKey = '';

  it('creates an API key shown once, which the running agent accepts', async () => {
    await suite.page.getByRole('tab', { name: 'Keys', exact: true }).click();
    const form = suite.page.getByRole('form', { name: 'Create an API key' });
    expect(await form.getByLabel('Role').inputValue()).toBe('developer');
    await form.getByLabel('Label').fill('e2e');
    await form.getByRole('button', { name: 'Create key' }).click();
    rawKey = (await suite.page.getByTestId('raw-api-key').innerText()).trim();
    expect(rawKey).toMatch(/^adk_/);
    await screenshot(suite.page, 'proof-08-key-created');
    const accepted = await invokeWithKey(rawKey);
    expect(accepted.status).toBe(200);
    expect(await accepted.json()).toEqual({ answer: 'v1: from curl' });
    await suite.page.getByRole('button', { name: 'Done' }).click();
    expect(await suite.page.getByTestId('raw-api-key').count()).toBe(0);
    expect(await suite.page.content()).not.toContain(rawKey);
  });

  it('shows a runtime event on the events panel within a second of the request', async () => {
    await suite.page.getByRole('tab', { name: 'Events', exact: true }).click();
    const log = suite.page.getByRole('list', { name: `${AGENT} events` });
    // An empty list has no height: attached is what there is to wait for.
    await log.waitFor({ state: 'attached' });
    const seenBefore = await log.locator('li[data-event-type="run_end"]').count();
    // The page stamps the moment a new run_end row is added to the DOM (a string: it runs in the page).
    await suite.page.evaluate(`(() => {
      const rows = () => document.querySelectorAll('ol.event-log li[data-event-type="run_end"]').length;
      const observer = new MutationObserver(() => {
        if (rows() > ${seenBefore}) {
          window.__runEndSeenAt = Date.now();
          observer.disconnect();
        }
      });
      observer.observe(document.querySelector('ol.event-log'), { childList: true, subtree: true });
    })()`);
    const response = await invokeWithKey(rawKey);
    const answeredAt = Date.now();
    expect(response.status).toBe(200);
    // A function, not a string: a string predicate is eval'd in the page, which the console's CSP refuses.
    await suite.page.waitForFunction(() => (globalThis as { __runEndSeenAt?: number }).__runEndSeenAt !== undefined, undefined, { timeout: 10_000 });
    const seenAt = (await suite.page.evaluate('window.__runEndSeenAt')) as number;
    const latencyMs = seenAt - answeredAt;
    console.log(`event-to-panel: run_end shown ${latencyMs} ms after the runtime answered`);
    expect(latencyMs).toBeLessThan(1000);
    await screenshot(suite.page, 'proof-09-live-event');
  });

  it('revokes the key with confirmation; the agent then refuses it with 499', async () => {
    await suite.page.getByRole('tab', { name: 'Keys', exact: true }).click();
    await suite.page.getByRole('button', { name: /^Revoke key adk_/ }).click();
    const dialog = suite.page.getByRole('dialog');
    await dialog.waitFor();
    await screenshot(suite.page, 'proof-10-revoke-confirm');
    await dialog.getByRole('button', { name: 'Revoke', exact: true }).click();
    await suite.page.getByRole('table', { name: 'API keys' }).getByText('revoked').waitFor();
    // The control plane signals the replicas; give them the moment the reload takes.
    let status = 0;
    for (let attempt = 0; attempt < 50 && status !== 499; attempt++) {
      status = (await invokeWithKey(rawKey)).status;
      if (status !== 499) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(status).toBe(499);
    await screenshot(suite.page, 'proof-11-key-revoked');
  });

  it('adds a secret, reveals it, rotates it and reveals the new value, masked otherwise', async () => {
    await openNav(suite.page, 'Secrets');
    await suite.page.getByRole('button', { name: 'Add secret' }).click();
    const form = suite.page.getByRole('form', { name: 'Add secret' });
    await form.getByLabel('Name').fill('PROOF_TOKEN');
    await form.getByLabel('Value').fill('fake-proof-value-1111');
    await form.getByRole('button', { name: 'Save secret' }).click();
    const table = suite.page.getByRole('table', { name: 'Secrets' });
    const row = table.getByRole('row').filter({ hasText: 'PROOF_TOKEN' });
    await row.waitFor();
    expect(await row.innerText()).not.toContain('fake-proof-value-1111');
    await row.getByRole('button', { name: 'Reveal PROOF_TOKEN' }).click();
    expect(await row.getByTestId('revealed-value').innerText()).toBe('fake-proof-value-1111');
    await screenshot(suite.page, 'proof-12-secret-revealed');

    await row.getByRole('button', { name: 'Rotate PROOF_TOKEN' }).click();
    const rotate = suite.page.getByRole('form', { name: 'Rotate PROOF_TOKEN' });
    await rotate.getByLabel('New value').fill('fake-proof-value-2222');
    await rotate.getByRole('button', { name: 'Rotate', exact: true }).click();
    await rotate.waitFor({ state: 'detached' });
    const revealAgain = row.getByRole('button', { name: 'Reveal PROOF_TOKEN' });
    if ((await revealAgain.count()) === 0) await row.getByRole('button', { name: 'Hide PROOF_TOKEN' }).click();
    await row.getByRole('button', { name: 'Reveal PROOF_TOKEN' }).click();
    await row.getByTestId('revealed-value').filter({ hasText: 'fake-proof-value-2222' }).waitFor();
    await screenshot(suite.page, 'proof-13-secret-rotated');
    expect(suite.errors).toEqual([]);
  });
});

describe('a viewer', () => {
  it('sees the fleet but is offered no deploy, and the editor has no Deploy or Save', async () => {
    const created = JSON.parse(suite.serve.cli(['serve', 'token', 'create', '--role', 'viewer', '--name', 'vic', '--json'])) as { token: string };
    const viewerPage = await suite.browser.context.newPage();
    const viewerErrors = watchErrors(viewerPage);
    await viewerPage.goto(`${suite.serve.origin}/#token=${created.token}`, { waitUntil: 'load' });
    await viewerPage.getByRole('table', { name: 'Agents' }).getByRole('link', { name: AGENT }).waitFor();
    const nav = viewerPage.getByRole('navigation', { name: 'Main' });
    expect(await nav.getByRole('link', { name: 'Deploy', exact: true }).count()).toBe(0);
    await openNav(viewerPage, 'Editor');
    expect(await viewerPage.getByRole('button', { name: 'Deploy…' }).count()).toBe(0);
    expect(await viewerPage.getByRole('button', { name: 'Save', exact: true }).count()).toBe(0);
    await openAgentTab(viewerPage, AGENT, 'Versions');
    expect(await viewerPage.getByRole('button', { name: /^Rollback to/ }).count()).toBe(0);
    await screenshot(viewerPage, 'proof-14-viewer');
    expect(viewerErrors).toEqual([]);
    await viewerPage.close();
  });
});
