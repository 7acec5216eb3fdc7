// Deploying to Kubernetes from the console (issue 6), in Chromium through `agentdock serve`, on the
// real control plane of scripts/kube-cluster.sh (kwok's nodes run the pods): the Deploy view lists
// every kubeconfig context with its cluster, user and namespace; opening one lists its namespaces;
// a context whose server is 127.0.0.1:1 shows "Cannot reach" with a Retry at once instead of a
// spinner; a namespace typed by hand is marked new; the deploy builds the image with the local
// Docker engine, creates the namespace, rolls out with autoscaling, every step ends done and the
// agent is healthy in the fleet. Screenshots: e2e/artifacts/k8s-01…06-*.png.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { ensureTestCluster, testNamespace } from '../../src-main/core/targets/kubernetes/kube-test-support';
import { screenshot } from './artifacts';
import { consoleSuite } from './console-suite';
import { deployResult, openNav } from './console-ui';
import { REPO_ROOT } from './serve-process';

const AGENT = 'k8s-e2e-agent';
const CONTEXT = 'kwok-agentdock-test';
const namespace = testNamespace('adk-e2e');
let kubeconfigDir: string | undefined;

/** The test cluster's kubeconfig, then one with a context nobody can reach, as KUBECONFIG lists several. */
function kubeconfigPath(): string {
  execFileSync('bash', [path.join(REPO_ROOT, 'scripts/ensure-docker.sh')], { stdio: 'ignore' });
  execFileSync('bash', [path.join(REPO_ROOT, 'scripts/make-base-image.sh')], { stdio: 'ignore' });
  const cluster = ensureTestCluster();
  kubeconfigDir = mkdtempSync(path.join(tmpdir(), 'agentdock-e2e-kubeconfig-'));
  const unreachable = path.join(kubeconfigDir, 'unreachable');
  writeFileSync(
    unreachable,
    stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'gone', cluster: { server: 'https://127.0.0.1:1' } }],
      users: [{ name: 'someone', user: { token: 'fake-e2e-token' } }],
      contexts: [{ name: 'gone-cluster', context: { cluster: 'gone', user: 'someone', namespace: 'apps' } }],
    }),
  );
  return [cluster, unreachable].join(path.delimiter);
}

const suite = consoleSuite({
  agent: AGENT,
  name: 'k8s',
  setupTimeoutMs: 50 * 60_000,
  env: () => ({ KUBECONFIG: kubeconfigPath(), AGENTDOCK_BASE_IMAGE_NODE: 'agentdock/base-node:22' }),
  prepare: ({ workDir }) => {
    const dir = path.join(workDir, AGENT);
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      path.join(dir, 'Dockfile.yaml'),
      `version: "1.0"
agent: { name: ${AGENT}, entrypoint: agent.mjs:run, framework: langgraph }
model: { provider: openai, name: gpt-4o-mini }
io_schema:
  input: { type: object, properties: { question: { type: string } } }
  output: { type: object }
auth: { mode: api_key, api_keys: { enabled: true } }
expose: { rest: true }
`,
    );
    writeFileSync(path.join(dir, 'agent.mjs'), `export async function run(input) { return { answer: 'from kubernetes: ' + input.question }; }\n`);
  },
});

// Runs before the suite's own teardown (after hooks run last-registered first): the agent's
// objects go with `agentdock delete`, then the namespace the deploy created.
afterAll(async () => {
  try {
    suite.serve?.cli(['delete', AGENT]);
  } catch {
    // Never deployed (an earlier step failed).
  }
  const config = new KubeConfig();
  config.loadFromFile(ensureTestCluster());
  await config
    .makeApiClient(CoreV1Api)
    .deleteNamespace({ name: namespace })
    .catch(() => undefined);
  if (kubeconfigDir) rmSync(kubeconfigDir, { recursive: true, force: true });
}, 120_000);

describe('deploying to Kubernetes from the Deploy view', () => {
  it('lists every context with cluster, user and namespace and opens the current one', async () => {
    await openNav(suite.page, 'Deploy');
    await suite.page.getByLabel('Project directory').fill(path.join(suite.workDir, AGENT));
    await suite.page.getByRole('radio', { name: /Kubernetes/ }).check();
    const placement = suite.page.getByRole('group', { name: 'Kubernetes', exact: true });
    const context = placement.getByLabel('Context');
    expect(await context.inputValue()).toBe(CONTEXT);
    const labels = await context.locator('option').allInnerTexts();
    expect(labels).toEqual([`${CONTEXT} (current) — cluster ${CONTEXT} · user ${CONTEXT} · namespace default`, 'gone-cluster — cluster gone · user someone · namespace apps']);
    expect(await placement.getByTestId('kube-context-detail').innerText()).toBe(`cluster ${CONTEXT} · user ${CONTEXT} · default namespace default`);
    await placement.locator('[data-namespaces="ok"]').waitFor();
    expect(await placement.locator('[data-namespaces="ok"]').innerText()).toMatch(new RegExp(`^\\d+ namespaces in ${CONTEXT}\\.`));
    // The context's default namespace is chosen and offered first, however many the cluster has.
    expect(await placement.getByLabel('Namespace', { exact: true }).inputValue()).toBe('default');
    expect(await placement.getByRole('group', { name: `Namespaces in ${CONTEXT}` }).getByRole('button').first().getAttribute('aria-pressed')).toBe('true');
    await screenshot(suite.page, 'k8s-01-contexts');
    // Typing narrows the offered namespaces; one click takes one.
    await placement.getByLabel('Namespace', { exact: true }).fill('kube-sys');
    expect(await placement.getByRole('group', { name: `Namespaces in ${CONTEXT}` }).getByRole('button').allInnerTexts()).toEqual(['kube-system']);
    await placement.getByRole('button', { name: 'kube-system' }).click();
    expect(await placement.getByLabel('Namespace', { exact: true }).inputValue()).toBe('kube-system');
  });

  it('shows an unreachable context as offline with a Retry, quickly, and retries on demand', async () => {
    const placement = suite.page.getByRole('group', { name: 'Kubernetes', exact: true });
    const started = Date.now();
    await placement.getByLabel('Context').selectOption('gone-cluster');
    const offline = placement.locator('[data-namespaces="offline"]');
    await offline.waitFor({ timeout: 10_000 });
    console.log(`kube offline: 127.0.0.1:1 shown as offline ${Date.now() - started} ms after the context was opened`);
    expect((await offline.innerText()).replace(/\s+/g, ' ')).toMatch(/^Cannot reach gone-cluster\. listing namespaces: the Kubernetes API server of context gone-cluster \(https:\/\/127\.0\.0\.1:1\) cannot be reached .* Retry$/);
    expect(await placement.getByLabel('Namespace', { exact: true }).inputValue()).toBe('apps');
    await screenshot(suite.page, 'k8s-02-offline');
    await offline.getByRole('button', { name: 'Retry' }).click();
    await placement.locator('[data-namespaces="offline"]').waitFor();
  });

  it('takes a new namespace typed by hand, marked as created by the deploy, and autoscaling bounds', async () => {
    const placement = suite.page.getByRole('group', { name: 'Kubernetes', exact: true });
    await placement.getByLabel('Context').selectOption(CONTEXT);
    await placement.locator('[data-namespaces="ok"]').waitFor();
    const field = placement.getByLabel('Namespace', { exact: true });
    await field.fill('Not_Valid');
    await placement.getByText('A namespace name is lowercase letters').waitFor();
    expect(await suite.page.getByRole('button', { name: 'Deploy', exact: true }).isDisabled()).toBe(true);
    await field.fill(namespace);
    await placement.getByTestId('new-namespace-note').waitFor();
    await placement.getByLabel('Min replicas').fill('1');
    await placement.getByLabel('Max replicas').fill('2');
    await placement.getByText('A HorizontalPodAutoscaler keeps 1–2 replicas').waitFor();
    await screenshot(suite.page, 'k8s-03-new-namespace');
  });

  it('deploys there: every step done, the target’s progress shown, where it runs in the result', async () => {
    await suite.page.getByRole('button', { name: 'Deploy', exact: true }).click();
    await suite.page.getByRole('status', { name: 'Current activity' }).waitFor();
    await screenshot(suite.page, 'k8s-04-deploying');
    const result = await deployResult(suite.page, 'Deploy', 300_000);
    expect(result).toEqual({ state: 'succeeded', text: expect.stringContaining(`${AGENT} v1 is active`) });
    expect(result.text).toContain(`1 replica(s) ready in ${CONTEXT}/${namespace}`);
    const steps = await suite.page.getByRole('list', { name: 'Deploy steps' }).locator('li').evaluateAll((nodes) => nodes.map((node) => [node.getAttribute('data-step'), node.getAttribute('data-state')]));
    expect(steps).toEqual(['validating', 'building', 'registering', 'starting', 'health_gate', 'switching', 'active'].map((step) => [step, 'done']));
    const log = await suite.page.getByRole('list', { name: 'Deploy log' }).innerText();
    expect(log).toContain(`creating namespace ${namespace} (Pod Security: restricted)`);
    expect(log).toContain(`rolling out ${AGENT} v1 in ${CONTEXT}/${namespace}`);
    // The context is asked again: the namespace the deploy created is listed, no longer "new".
    const placement = suite.page.getByRole('group', { name: 'Kubernetes', exact: true });
    await placement.getByTestId('new-namespace-note').waitFor({ state: 'detached' });
    await placement.getByRole('group', { name: `Namespaces in ${CONTEXT}` }).getByRole('button', { name: namespace }).waitFor();
    // The view scrolls inside the shell: bring the result into the picture.
    await suite.page.getByRole('region', { name: 'Deploy', exact: true }).locator('[data-deploy-result]').scrollIntoViewIfNeeded();
    await screenshot(suite.page, 'k8s-05-deployed');
  }, 360_000);

  it('lists the agent healthy on kubernetes in the fleet', async () => {
    await openNav(suite.page, 'Agents');
    const row = suite.page.getByRole('table', { name: 'Agents' }).getByRole('row').filter({ hasText: AGENT });
    await row.getByText('healthy').waitFor({ timeout: 30_000 });
    expect(await row.innerText()).toContain('kubernetes');
    await screenshot(suite.page, 'k8s-06-fleet-healthy');
    expect(suite.errors).toEqual([]);
  });
});
