// The Python twin of the demo agent (resources/demo/lead-gen-python, real langgraph and
// langchain-core from PyPI) behind the process target and the Python adapter: the same script gives
// the same incidents at the same leads, and the same spend and tool tiers, as the JavaScript agent
// run by the same control plane. And an interpreter without langgraph is refused up front, by name.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { DemoSummary } from '../../../src-shared/ipc/demo-types';
import { openControlPlane } from '../control-plane';
import type { ControlPlane } from '../control-plane';
import { startMonitoring } from '../monitoring';
import { generateMasterKey, StaticKeyProvider } from '../vault';
import { checkDemoPython } from './demo-python';
import { runDemo } from './demo-run';
import type { DemoVariant } from './demo-assets';
import { DEMO_SCRIPT } from './demo-script';

const repoRoot = path.join(import.meta.dirname, '..', '..', '..');
const ACTOR = 'demo-python-test';
let python: string;
let scratch: string;
let plane: ControlPlane;

beforeAll(() => {
  python = process.env.AGENTDOCK_TEST_PYTHON ?? execFileSync('bash', [path.join(repoRoot, 'scripts/ensure-python-deps.sh')], { encoding: 'utf8' }).trim();
  scratch = mkdtempSync(path.join(tmpdir(), 'agentdock-demo-py-'));
  // Both readers of AGENTDOCK_PYTHON: the control plane (the process target's interpreter) and the demo's preflight.
  vi.stubEnv('AGENTDOCK_PYTHON', python);
  plane = openControlPlane({ dataDir: path.join(scratch, 'data'), env: { AGENTDOCK_PYTHON: python }, keyProvider: new StaticKeyProvider(generateMasterKey()), targets: { docker: undefined } });
}, 120_000);

afterAll(async () => {
  await plane?.close();
  vi.unstubAllEnvs();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

/** Runs the whole demo of `variant` as `agentdock demo --fast` does, and stops the agent after. */
async function runVariant(variant: DemoVariant): Promise<DemoSummary> {
  const monitoring = startMonitoring(plane);
  let summary: DemoSummary | undefined;
  try {
    summary = await runDemo({ plane, actor: ACTOR, pace: 'fast', variant });
  } finally {
    monitoring.dispose();
    if (summary) await plane.operations().lifecycle(summary.agent, 'stop', { actor: ACTOR, role: 'admin' });
  }
  return summary;
}

/** The figures both variants must share (not the run's ids, timings or latencies). */
function totals(summary: DemoSummary): Record<string, unknown> {
  return { processed: summary.processed, failed: summary.failed, qualified: summary.qualified, spentUsd: summary.spentUsd, sources: summary.sources, costByModel: summary.costByModel };
}

describe('the Python demo agent', () => {
  it('plays the script like the JavaScript agent: same incidents at the same leads, same spend and tiers', async () => {
    const pythonRun = await runVariant('python');
    expect(pythonRun.agent).toBe(DEMO_SCRIPT.pythonAgentName);
    expect(pythonRun.processed).toBe(100);
    expect(pythonRun.failed).toBe(0);
    expect(pythonRun.incidents.map((incident) => [incident.kind, incident.lead])).toEqual([
      ['rate_limited', DEMO_SCRIPT.rateLimitFromLead],
      ['breaker_open', DEMO_SCRIPT.rateLimitFromLead],
      ['key_rotated', DEMO_SCRIPT.keyRotationLead],
      ['breaker_recovered', DEMO_SCRIPT.rateLimitUntilLead],
      ['pii_redacted', DEMO_SCRIPT.piiLead],
      ['budget_warning', DEMO_SCRIPT.budgetWarningLead],
    ]);
    // The rotation reached the running Python process without a restart.
    expect(pythonRun.incidents.find((incident) => incident.kind === 'key_rotated')?.data).toMatchObject({ reloaded: true, sameProcess: true });
    expect(pythonRun.spentUsd).toBeCloseTo(DEMO_SCRIPT.spendAtEndUsd, 2);

    const javascriptRun = await runVariant('javascript');
    expect(totals(pythonRun)).toEqual(totals(javascriptRun));
  }, 300_000);

  it('refuses an interpreter without langgraph up front, naming it and what to install', async () => {
    // The test interpreter with site-packages switched off: a real Python that lacks the packages.
    const bare = path.join(scratch, 'python-without-site-packages');
    writeFileSync(bare, `#!/bin/sh\nexec "${python}" -S "$@"\n`);
    chmodSync(bare, 0o755);
    await expect(checkDemoPython(python)).resolves.toBeUndefined();
    await expect(checkDemoPython(bare)).rejects.toMatchObject({ code: 'E2020', message: expect.stringMatching(new RegExp(`needs langgraph, langchain-core, httpx, which ${bare} does not have: install them with ${bare} -m pip install`)) });
    await expect(checkDemoPython(path.join(scratch, 'no-such-python'))).rejects.toMatchObject({ code: 'E2020', message: expect.stringContaining('AGENTDOCK_PYTHON') });
  });
});
