// `agentdock export` as a GitOps job runs it: a version deployed with the CLI (process target),
// then exported to stdout, to a file and as a Helm chart that the real helm lints; what is in the
// way is refused without --force; a missing agent or version names the command that lists them.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { openControlPlane } from '../../core/control-plane';
import { deleteDeploymentsAndClose } from '../../core/control-plane-test-support';
import type { KubeObject } from '../../core/targets/kubernetes/manifests';
import { cli, setEnv } from '../test-support';

const repoRoot = path.join(import.meta.dirname, '..', '..', '..');
let home: string;
let helm: string;
let restoreEnv: () => void = () => undefined;

function objectsOf(yaml: string): KubeObject[] {
  return parseAllDocuments(yaml).map((document) => document.toJS() as KubeObject);
}

beforeAll(async () => {
  helm = execFileSync('bash', [path.join(repoRoot, 'scripts/ensure-helm.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 20 * 60_000 }).trim();
  home = mkdtempSync(path.join(tmpdir(), 'agentdock-cli-export-'));
  restoreEnv = setEnv({ AGENTDOCK_HOME: path.join(home, 'data'), AGENTDOCK_MASTER_KEY: 'test-only-master-passphrase-0123456789' });
  const project = path.join(home, 'notes-agent');
  expect((await cli(['init', project, '--language', 'typescript'])).code).toBe(0);
  writeFileSync(path.join(project, 'src', 'agent.ts'), 'export async function graph(input: { question: string }) { return { answer: input.question }; }\n');
  const deployed = await cli(['deploy', project, '--timeout', '60']);
  expect(deployed.stderr).toBe('');
  expect(deployed.code).toBe(0);
}, 25 * 60_000);

afterAll(async () => {
  await deleteDeploymentsAndClose(openControlPlane());
  restoreEnv();
  rmSync(home, { recursive: true, force: true });
});

describe('agentdock export', () => {
  it('prints the manifests to stdout: a namespace of its own, then what a deploy applies', async () => {
    const result = await cli(['export', 'notes-agent', 'v1', '--format', 'manifests', '--replicas', '2', '--trust', 'UNTRUSTED']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const objects = objectsOf(result.stdout);
    expect(objects.map((object) => `${object.kind}/${object.metadata.name}`)).toEqual([
      'Namespace/notes-agent',
      'ConfigMap/notes-agent-v1',
      'Secret/notes-agent-v1',
      'Service/notes-agent',
      'NetworkPolicy/notes-agent',
      'PodDisruptionBudget/notes-agent',
      'Deployment/notes-agent',
    ]);
    const deployment = objects.at(-1) as KubeObject & { spec: { replicas: number } };
    expect(deployment.spec.replicas).toBe(2);
    expect(deployment.metadata.labels).toMatchObject({ 'agentdock.dev/trust': 'UNTRUSTED' });
    expect(result.stdout).not.toContain('agentdock.dev/home');
  });

  it('writes <out>/<agent>-<version>.yaml, and refuses to overwrite it without --force', async () => {
    const out = path.join(home, 'gitops');
    const args = ['export', 'notes-agent', 'v1', '--format', 'manifests', '--out', out, '--namespace', 'agents', '--image', 'registry.example.com/notes-agent:1.0'];
    const first = await cli(args);
    expect(first.code).toBe(0);
    const file = path.join(out, 'notes-agent-v1.yaml');
    expect(first.stdout).toBe(`✓ wrote ${file} (7 objects; fill the Secret's secrets.json before applying, see its comment)`);
    const objects = objectsOf(readFileSync(file, 'utf8'));
    expect(new Set(objects.map((object) => object.metadata.namespace ?? object.metadata.name))).toEqual(new Set(['agents']));
    expect(JSON.stringify(objects)).toContain('"image":"registry.example.com/notes-agent:1.0"');

    writeFileSync(file, 'edited by hand\n');
    const again = await cli(args);
    expect(again.code).toBe(1);
    expect(again.stderr).toBe(`agentdock export: ${file} already exists; export elsewhere with --out, or add --force to overwrite it.`);
    expect(readFileSync(file, 'utf8')).toBe('edited by hand\n');
    expect((await cli([...args, '--force'])).code).toBe(0);
    expect(readFileSync(file, 'utf8')).toContain('kind: Deployment');
  });

  it('writes a Helm chart that helm lints, and refuses a folder with files in it without --force', async () => {
    const out = path.join(home, 'charts');
    const result = await cli(['export', 'notes-agent', 'v1', '--format', 'helm', '--out', out]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const chart = path.join(out, 'notes-agent');
    expect(result.stdout).toBe(`✓ wrote the Helm chart notes-agent v1 to ${chart} (see its README.md for secrets)`);
    for (const file of ['Chart.yaml', 'values.yaml', 'README.md', 'templates/deployment.yaml', 'templates/NOTES.txt', 'templates/_helpers.tpl', 'files/secrets.json']) expect(existsSync(path.join(chart, file))).toBe(true);
    expect(execFileSync(helm, ['lint', '--strict', chart], { encoding: 'utf8' })).toMatch(/0 chart\(s\) failed/);
    const refused = await cli(['export', 'notes-agent', 'v1', '--format', 'helm', '--out', out]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/already holds files; export elsewhere with --out, or add --force/);
    const forced = await cli(['export', 'notes-agent', 'v1', '--format', 'helm', '--out', out, '--force', '--json']);
    expect(forced.code).toBe(0);
    const report = JSON.parse(forced.stdout) as { ok: boolean; format: string; files: string[] };
    expect(report).toMatchObject({ ok: true, format: 'helm' });
    expect(report.files).toContain(path.join(chart, 'Chart.yaml'));
  });

  it('names agentdock versions when the agent or the version does not exist; bad flags are usage errors', async () => {
    const agent = await cli(['export', 'nobody', 'v1', '--format', 'manifests']);
    expect(agent.code).toBe(1);
    expect(agent.stderr).toMatch(/^agentdock export: E2004 AgentNotFound: No agent named nobody; .*agentdock versions <agent>/);
    const version = await cli(['export', 'notes-agent', 'v7', '--format', 'manifests']);
    expect(version.code).toBe(1);
    expect(version.stderr).toBe('agentdock export: E2003 VersionNotFound: Agent notes-agent has no version v7; see agentdock versions notes-agent.');
    const confidential = await cli(['export', 'notes-agent', 'v1', '--format', 'manifests', '--trust', 'CONFIDENTIAL']);
    expect(confidential.code).toBe(1);
    expect(confidential.stderr).toMatch(/E2021 .*CONFIDENTIAL needs a confidential-computing RuntimeClass/);
    for (const args of [['--format', 'zip'], [], ['--format', 'manifests', '--replicas', '0'], ['--format', 'manifests', '--trust', 'high'], ['--format', 'manifests', '--namespace', 'Not_A_Namespace'], ['--format', 'manifests', '--image', 'a b']]) {
      expect((await cli(['export', 'notes-agent', 'v1', ...args])).code).toBe(2);
    }
    expect((await cli(['export', 'notes-agent'])).code).toBe(2);
    expect((await cli(['export', '--help'])).stdout).toMatch(/^Usage: agentdock export <agent> <version> --format manifests\|helm/);
  });
});
