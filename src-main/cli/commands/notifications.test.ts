// `agentdock alerts` against a real data directory, the real vault and a real HTTP receiver: add a
// webhook (URL from stdin), test it, tune a rule, list and read notifications.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebhookReceiver } from '../../core/alerts/test-support';
import type { WebhookReceiver } from '../../core/alerts/test-support';
import { openControlPlane } from '../../core/control-plane';
import { UsageError } from '../terminal';
import { runCaptured } from '../test-support';
import type { CommandRun } from '../test-support';
import { runAlerts } from './notifications';

let home: string;
let receiver: WebhookReceiver;
const saved = { home: process.env.AGENTDOCK_HOME, key: process.env.AGENTDOCK_MASTER_KEY };

async function alerts(args: string[], stdin = ''): Promise<CommandRun> {
  return runCaptured((terminal) => runAlerts(args, terminal, Readable.from([stdin])));
}

beforeAll(async () => {
  home = mkdtempSync(path.join(tmpdir(), 'agentdock-cli-alerts-'));
  process.env.AGENTDOCK_HOME = path.join(home, 'data');
  process.env.AGENTDOCK_MASTER_KEY = 'test-only-master-passphrase-0123456789';
  receiver = await startWebhookReceiver();
});

afterAll(async () => {
  await receiver.close();
  process.env.AGENTDOCK_HOME = saved.home;
  process.env.AGENTDOCK_MASTER_KEY = saved.key;
  if (saved.home === undefined) delete process.env.AGENTDOCK_HOME;
  if (saved.key === undefined) delete process.env.AGENTDOCK_MASTER_KEY;
  rmSync(home, { recursive: true, force: true });
});

describe('agentdock alerts', () => {
  it('adds a webhook channel from stdin and lists it without the URL', async () => {
    const added = await alerts(['channel', 'add', 'webhook', 'ops-slack', '--min-severity', 'warning'], `${receiver.url}\n`);
    expect(added.stderr).toBe('');
    expect(added.code).toBe(0);
    expect(added.stdout).toContain('✓ added webhook channel ops-slack (127.0.0.1:');
    const listed = await alerts(['channel', 'list', '--json']);
    expect(listed.code).toBe(0);
    expect(listed.stdout).not.toContain('secretTOKEN');
    expect((JSON.parse(listed.stdout) as { channels: { name: string }[] }).channels.map((channel) => channel.name)).toEqual(['ops-slack']);
  });

  it('refuses a webhook URL without stdin (a usage error: exit 2 through runCli) and a plain-http remote URL (E2001)', async () => {
    await expect(alerts(['channel', 'add', 'webhook', 'other'])).rejects.toThrow(UsageError);
    const insecure = await alerts(['channel', 'add', 'webhook', 'other'], 'http://hooks.example.com/services/X');
    expect(insecure.code).toBe(1);
    expect(insecure.stderr).toMatch(/E2001 .*https/);
  });

  it('sends a test message (exit 0), and a failing one exits 1 with the reason', async () => {
    const ok = await alerts(['channel', 'test', 'ops-slack']);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toBe('✓ test message delivered to ops-slack (1 attempt)');
    expect(receiver.requests).toHaveLength(1);
    receiver.script = [404];
    const failed = await alerts(['channel', 'test', 'ops-slack']);
    receiver.script = [200];
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain('failed after 1 attempt(s): HTTP 404');
  });

  it('tunes a rule and shows the effective rules', async () => {
    expect((await alerts(['rule', 'set', 'error_rate', '--threshold', '0.2', '--min-requests', '50'])).code).toBe(0);
    const rules = JSON.parse((await alerts(['rules', '--json'])).stdout) as { rules: Record<string, { threshold: number; minRequests: number }> };
    expect(rules.rules.error_rate).toMatchObject({ threshold: 0.2, minRequests: 50 });
    const bad = await alerts(['rule', 'set', 'error_rate', '--threshold', '3']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('E2001');
    expect((await alerts(['rule', 'reset', 'error_rate'])).code).toBe(0);
    expect((JSON.parse((await alerts(['rules', '--json'])).stdout) as { rules: Record<string, { threshold: number }> }).rules.error_rate?.threshold).toBe(0.1);
  });

  it('lists notifications and marks them read', async () => {
    const plane = openControlPlane();
    const agentId = plane.repositories.agents.create('lead-gen').id;
    await plane.alerts().engine.run([{ agentId, agentName: 'lead-gen', at: plane.db.now(), windowMs: 60_000, requests: 0, errors: 0, errorRate: null, p95Ms: null, spendUsd: 46, budgetLimitUsd: 50 }]);
    await plane.close();
    expect(receiver.requests.at(-1)?.body).toContain('lead-gen: 90% of the budget used');
    const listed = await alerts(['list', '--unread']);
    expect(listed.stdout).toMatch(/warning\s+lead-gen\s+lead-gen: 90% of the budget used\s+unread/);
    expect((await alerts(['read', '--all', '--json'])).stdout).toContain('"marked": 1');
    expect(JSON.parse((await alerts(['list', '--unread', '--json'])).stdout)).toMatchObject({ notifications: [], unread: 0 });
    expect((await alerts(['history'])).stdout).toContain('budget_warning');
  });

  it('removes the channel', async () => {
    expect((await alerts(['channel', 'remove', 'ops-slack'])).code).toBe(0);
    expect(JSON.parse((await alerts(['channel', 'list', '--json'])).stdout)).toMatchObject({ channels: [] });
    expect((await alerts(['channel', 'test', 'ops-slack'])).stderr).toContain('No alert channel named ops-slack');
  });
});
