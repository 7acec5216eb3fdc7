// `agentdock metrics export` against a real data dir: an agent deployed on the process target,
// invoked over HTTP; the command catches up from the running runtime and exports CSV or JSON.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openControlPlane } from '../../core/control-plane';
import { deleteDeploymentsAndClose } from '../../core/control-plane-test-support';
import { cli, setEnv } from '../test-support';
import { csvCell, formatNumber, METRICS_COLUMNS, toCsv } from './metrics-format';

let home: string;
let endpoint: string;
let apiKey: string;
let restoreEnv: () => void = () => undefined;

const DOCKFILE = `version: "1.0"
agent: { name: export-agent, entrypoint: agent.mjs:run, framework: langgraph }
model: { provider: openai, name: gpt-4o-mini }
io_schema:
  input: { type: object, required: [text], properties: { text: { type: string } } }
  output: { type: object, properties: { reply: { type: string } } }
auth: { mode: api_key, api_keys: { enabled: true }, roles: [{ name: developer, permissions: [invoke] }] }
expose: { rest: true, host: 127.0.0.1 }
`;
const AGENT = `export async function run(input) {
  if (input.text === 'fail') throw new Error('asked to fail');
  const response = await fetch(process.env.OPENAI_BASE_URL + '/chat/completions', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer ' + process.env.OPENAI_API_KEY },
    body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: input.text }] }),
  });
  return { reply: String((await response.json()).choices?.[0]?.message?.content ?? '') };
}
`;

async function invoke(text: string): Promise<number> {
  const response = await fetch(`${endpoint}/invoke`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': apiKey }, body: JSON.stringify({ text }) });
  await response.arrayBuffer();
  return response.status;
}

function parseCsv(text: string): Record<string, string>[] {
  const [header, ...lines] = text.trimEnd().split('\n');
  const columns = header!.split(',');
  return lines.map((line) => Object.fromEntries(line.split(',').map((cell, index) => [columns[index], cell])));
}

beforeAll(async () => {
  home = mkdtempSync(path.join(tmpdir(), 'agentdock-cli-metrics-'));
  restoreEnv = setEnv({ AGENTDOCK_HOME: path.join(home, 'data'), AGENTDOCK_MASTER_KEY: 'test-only-master-passphrase-0123456789' });
  const project = path.join(home, 'project');
  mkdirSync(project);
  writeFileSync(path.join(project, 'Dockfile.yaml'), DOCKFILE);
  writeFileSync(path.join(project, 'agent.mjs'), AGENT);
  const plane = openControlPlane();
  try {
    const { agent } = plane.repositories.agents.getOrCreate('export-agent');
    apiKey = plane.repositories.apiKeys.create({ agentId: agent.id, role: 'developer', createdBy: 'test' }).raw;
    const result = await plane.controller().deploy(project, { target: 'process', actor: 'tester', budgetUsd: 2 });
    endpoint = result.endpoints[0]!;
  } finally {
    await plane.close();
  }
  expect([await invoke('one'), await invoke('two'), await invoke('fail')]).toEqual([200, 200, 502]);
}, 90_000);

afterAll(async () => {
  await deleteDeploymentsAndClose(openControlPlane());
  restoreEnv();
  rmSync(home, { recursive: true, force: true });
});

describe('agentdock metrics export', () => {
  it('catches up from the running runtime and exports one CSV row per agent', async () => {
    const result = await cli(['metrics', 'export']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout.split('\n')[0]).toBe(METRICS_COLUMNS.join(','));
    const rows = parseCsv(result.stdout);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ scope: 'window', agent: 'export-agent', requests: '3', errors: '1', error_rate: '0.333333333', budget_limit_usd: '2', budget_source: 'runtime' });
    expect(Number(rows[0]!.cost_usd)).toBeGreaterThan(0);
    expect(Number(rows[0]!.cost_per_request_usd)).toBeCloseTo(Number(rows[0]!.cost_usd) / 3, 8);
    expect(Number(rows[0]!.budget_percent)).toBeCloseTo((Number(rows[0]!.budget_spent_usd) / 2) * 100, 6);
    expect(Number(rows[0]!.p95_ms)).toBeGreaterThan(0);
  }, 30_000);

  it('exports JSON for one agent with its per-minute series', async () => {
    const result = await cli(['metrics', 'export', 'export-agent', '--since', '30m', '--json']);
    expect(result.code).toBe(0);
    const body = JSON.parse(result.stdout) as { ok: boolean; granularity: string; sync: { replicas: number }; agents: { agent: string; requests: number; budget: { limitUsd: number } }[]; series: { start: string; requests: number }[] };
    expect(body).toMatchObject({ ok: true, granularity: 'minute', sync: { replicas: 1 }, agents: [{ agent: 'export-agent', requests: 3, budget: { limitUsd: 2 } }] });
    expect(body.series.reduce((total, point) => total + point.requests, 0)).toBe(3);
    expect(body.series[0]!.start).toMatch(/:00\.000Z$/);
  }, 30_000);

  it('--no-sync exports only what is stored; --out writes the file', async () => {
    expect(await invoke('three')).toBe(200);
    const stale = parseCsv((await cli(['metrics', 'export', '--no-sync'])).stdout);
    expect(stale[0]).toMatchObject({ requests: '3', budget_source: 'settings', budget_limit_usd: '2', budget_spent_usd: '', budget_percent: '' });
    const file = path.join(home, 'export.csv');
    const written = await cli(['metrics', 'export', 'export-agent', '--granularity', 'hour', '--out', file]);
    expect(written).toMatchObject({ code: 0, stdout: '' });
    expect(written.stderr).toMatch(/^Wrote 2 row\(s\) to .*export\.csv$/);
    const rows = parseCsv(readFileSync(file, 'utf8'));
    expect(rows.map((row) => [row.scope, row.requests])).toEqual([
      ['window', '4'],
      ['hour', '4'],
    ]);
  }, 30_000);

  it('usage errors exit 2, an unknown agent exits 1 with its code', async () => {
    expect((await cli(['metrics'])).code).toBe(2);
    expect((await cli(['metrics', 'export', '--format', 'xml'])).stderr).toMatch(/--format must be csv or json/);
    expect((await cli(['metrics', 'export', '--since', 'yesterday'])).code).toBe(2);
    expect((await cli(['metrics', 'export', '--since', '2h', '--until', '2020-01-01T00:00:00Z', '--granularity', 'second'])).code).toBe(2);
    expect((await cli(['metrics', 'pull'])).code).toBe(2);
    const missing = await cli(['metrics', 'export', 'no-such-agent', '--no-sync']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/E2004 AgentNotFound: No agent named "no-such-agent"/);
    expect((await cli(['metrics', 'export', '--help'])).stdout).toMatch(/^Usage: agentdock metrics export/);
  });
});

describe('metrics CSV', () => {
  it('quotes cells with commas, quotes and line breaks, and writes numbers without exponents', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell(null)).toBe('');
    expect(formatNumber(1e-7)).toBe('0.0000001');
    expect(formatNumber(0.1 + 0.2)).toBe('0.3');
    expect(formatNumber(12)).toBe('12');
    expect(toCsv([{ scope: 'window', agent: 'x,"y"', requests: 2 }]).split('\n')[1]).toBe(`window,"x,""y""",,,2${','.repeat(METRICS_COLUMNS.length - 5)}`);
  });
});
