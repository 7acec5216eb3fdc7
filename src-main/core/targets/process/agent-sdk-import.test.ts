// A TypeScript agent that imports the runtime's SDK by name, compiled by the build and deployed to
// the process target: esbuild leaves '@agentdock/sdk' external, and the replica (the bundled runtime
// as a process of its own) resolves it to the sdk.js in the bundle's runtime/ folder.
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildAgentBundle } from '../../build/agent-bundle';
import { dockfileText, freezeSpec, writeTree } from '../../build/build-test-support';
import { ProcessTarget } from './process-target';
import { ensureRuntimeBuilt, testDeployment, useProcessTargetFixture, waitFor, writeConfigDir } from './process-test-support';

const fixture = useProcessTargetFixture();

const AGENT = `import { breakerRegistry, reportProgress, retry } from '@agentdock/sdk';
import type { ProgressReport } from '@agentdock/sdk';

// Not erasable syntax: only the build's compile makes this module loadable.
enum Unit { Leads = 'leads' }

export async function run(input: { total: number }): Promise<Record<string, unknown>> {
  let attempts = 0;
  const lookup = async (): Promise<string> => {
    attempts += 1;
    if (attempts === 1) throw Object.assign(new Error('busy'), { status: 503 });
    return 'found';
  };
  const { value } = await breakerRegistry.get('lookup').call(() => retry(lookup, { retries: 2, baseMs: 1 }));
  const report: ProgressReport = { done: 1, total: input.total, unit: Unit.Leads };
  return { sdk: import.meta.resolve('@agentdock/sdk'), value, attempts, progressAccepted: reportProgress(report) };
}
`;

describe('@agentdock/sdk in a deployed TypeScript agent', () => {
  it("compiles with the specifier left external and gets the runtime's SDK in the replica", async () => {
    const dockfile = dockfileText('sdk_agent', 'src/agent.ts:run');
    const project = writeTree('agentdock-sdk-agent-', { 'Dockfile.yaml': dockfile, 'src/agent.ts': AGENT });
    const bundle = await buildAgentBundle({
      projectDir: project,
      dockfileFile: path.join(project, 'Dockfile.yaml'),
      spec: await freezeSpec(dockfile),
      language: 'typescript',
      runtimeDir: ensureRuntimeBuilt(),
      bundlesDir: path.join(fixture.root, 'bundles'),
      durable: false,
    });
    rmSync(project, { recursive: true, force: true });
    expect(readFileSync(path.join(bundle.agentDir, 'src/agent.agentdock.mjs'), 'utf8')).toMatch(/^import \{[^}]*\} from "@agentdock\/sdk";$/m);

    const config = writeConfigDir(fixture.root, bundle);
    const target = fixture.track(new ProcessTarget({ stateDir: path.join(fixture.root, 'state'), stopGraceMs: 5000 }));
    const spec = testDeployment(bundle, config);
    const endpoint = (await target.deploy(spec)).replicas[0]?.endpoint as string;
    await waitFor(`${endpoint}/ready`, async () => (await fetch(`${endpoint}/ready`).catch(() => undefined))?.status === 200);
    const response = await fetch(`${endpoint}/invoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': config.key },
      body: JSON.stringify({ total: 4 }),
    });
    expect(await response.json()).toEqual({
      sdk: pathToFileURL(path.join(bundle.bundleDir, 'runtime', 'sdk.js')).href,
      value: 'found',
      attempts: 2,
      // Only a runtime attached to the SDK's progress channel accepts a report.
      progressAccepted: true,
    });
    await target.delete(spec.deploymentId);
  }, 120_000);
});
