/**
 * Test support shared by every suite that opens a real control plane: the teardown that leaves no
 * replica, container or open database behind whatever a failed assertion left running.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ControlPlane } from './control-plane';
import type { TargetKind } from './contracts';

/** Deletes every deployment `plane` knows from `target` (ignoring failures), then closes the plane. */
export async function deleteDeploymentsAndClose(plane: ControlPlane, target: TargetKind = 'process'): Promise<void> {
  for (const deployment of plane.repositories.deployments.list()) await plane.targets[target]?.delete(deployment.id).catch(() => undefined);
  await plane.close();
}

/** The smallest Dockfile of a JS agent that deploys everywhere: `agent.mjs:run`, API keys on. */
export function minimalDockfile(agentName: string): string {
  return `version: "1.0"
agent: { name: ${agentName}, entrypoint: agent.mjs:run, framework: langgraph }
model: { provider: openai, name: gpt-4o-mini }
io_schema:
  input: { type: object, properties: { text: { type: string } } }
  output: { type: object }
auth: { mode: api_key, api_keys: { enabled: true } }
expose: { rest: true }
`;
}

/** Writes a project with `minimalDockfile(agentName)` and `agent.mjs` exporting `run` with the given body. */
export function writeMinimalProject(dir: string, agentName: string, runBody: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'Dockfile.yaml'), minimalDockfile(agentName));
  writeFileSync(path.join(dir, 'agent.mjs'), `export async function run(input) { ${runBody} }\n`);
}
