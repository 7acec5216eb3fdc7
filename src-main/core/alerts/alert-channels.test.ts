// Channels with their secrets in a real vault: the webhook URL and the SMTP password never reach
// the database in plaintext nor an agent's environment; tests are recorded deliveries; a locked
// vault fails a delivery with a clear error instead of throwing.
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CoreError } from '../contracts';
import { resolveRuntimeSecrets } from '../controller/runtime-secrets';
import { AgentsRepository } from '../store/agents-repository';
import { tempDatabase } from '../store/test-support';
import type { TempDatabase } from '../store/test-support';
import { generateMasterKey, StaticKeyProvider, Vault } from '../vault';
import type { MasterKeyProvider } from '../vault';
import { channelSecretName } from './channel-secrets';
import { createAlerts } from './index';
import type { Alerts } from './index';
import { instantRetry, startSmtpReceiver, startWebhookReceiver } from './test-support';
import type { SmtpReceiver, WebhookReceiver } from './test-support';

let temp: TempDatabase;
let vault: Vault;
let alerts: Alerts;
let receiver: WebhookReceiver | undefined;
let smtp: SmtpReceiver | undefined;

beforeEach(() => {
  temp = tempDatabase();
  vault = new Vault(temp.db, new StaticKeyProvider(generateMasterKey()));
  alerts = createAlerts(temp.db, { vault: () => vault, retry: instantRetry(), timeoutMs: 5000 });
});
afterEach(async () => {
  await alerts.dispose();
  await receiver?.close();
  await smtp?.close();
  receiver = undefined;
  smtp = undefined;
  temp.cleanup();
});

/** The database file and its WAL, as bytes, as text. */
function databaseText(): string {
  temp.db.checkpoint();
  return readFileSync(temp.file).toString('latin1');
}

describe('AlertChannels', () => {
  it('keeps the webhook URL in the vault only: the table holds the host, the file no URL, an agent never gets it', async () => {
    receiver = await startWebhookReceiver('/services/T0/B0/TOKENabc123');
    const channel = await alerts.channels.addWebhook('ops-slack', receiver.url, { createdBy: 'ann' });
    expect(channel).toMatchObject({ kind: 'webhook', name: 'ops-slack', enabled: true, minSeverity: 'warning', sendResolved: true, hasSecret: true, settings: { host: new URL(receiver.url).host } });
    expect(JSON.stringify(alerts.channels.list())).not.toContain('TOKENabc123');
    expect(databaseText()).not.toContain('TOKENabc123');
    expect((await vault.get(channelSecretName(channel.id), { environment: 'prod', actor: 'ann', role: 'admin' })).value).toBe(receiver.url);
    const agentId = new AgentsRepository(temp.db).create('lead-gen').id;
    const runtime = await resolveRuntimeSecrets(vault, { agentId, environment: 'prod', actor: 'test' });
    expect(JSON.stringify(runtime)).not.toContain('TOKENabc123');
  });

  it('sends a test message and records it as a delivery', async () => {
    receiver = await startWebhookReceiver();
    await alerts.channels.addWebhook('ops-slack', receiver.url, { createdBy: 'ann' });
    const delivery = await alerts.engine.test('ops-slack');
    expect(delivery).toMatchObject({ status: 'sent', attempts: 1, alertEventId: null });
    expect((JSON.parse(receiver.requests[0]?.body ?? '{}') as { text: string }).text).toBe(
      'ℹ️ [TEST] test message for channel ops-slack\nIf you can read this, AgentDock alerts reach this webhook.',
    );
    expect(alerts.repository.deliveries()).toHaveLength(1);
  });

  it('keeps the SMTP password in the vault and sends a test mail with it', async () => {
    smtp = await startSmtpReceiver({ user: 'alerts', password: 'PW-kept-in-vault-42' });
    const channel = await alerts.channels.addEmail(
      'ops-mail',
      { host: '127.0.0.1', port: smtp.port, tls: 'starttls', user: 'alerts', from: 'agentdock@example.com', to: ['ops@company.com'], caPem: smtp.caPem },
      'PW-kept-in-vault-42',
      { createdBy: 'ann' },
    );
    expect(channel.hasSecret).toBe(true);
    expect(databaseText()).not.toContain('PW-kept-in-vault-42');
    expect(await alerts.engine.test('ops-mail')).toMatchObject({ status: 'sent' });
    expect(smtp.mails[0]?.raw).toContain('Subject: [AgentDock] TEST: test message for channel ops-mail');
  });

  it('fails a delivery, not the caller, when the vault cannot be opened', async () => {
    receiver = await startWebhookReceiver();
    await alerts.channels.addWebhook('ops-slack', receiver.url, { createdBy: 'ann' });
    const wrong: MasterKeyProvider = new StaticKeyProvider(generateMasterKey());
    const locked = createAlerts(temp.db, { vault: () => new Vault(temp.db, wrong), retry: instantRetry() });
    const delivery = await locked.engine.test('ops-slack');
    await locked.dispose();
    expect(delivery.status).toBe('failed');
    expect(delivery.attempts).toBe(0);
    expect(delivery.lastError).toContain('E2032');
    expect(receiver.requests).toHaveLength(0);
  });

  it('adds nothing when the secret cannot be stored', async () => {
    const noKey: MasterKeyProvider = { keyId: 'passphrase', getKey: () => Promise.reject(new CoreError('E2030', 'Set AGENTDOCK_MASTER_KEY.')) };
    const locked = createAlerts(temp.db, { vault: () => new Vault(temp.db, noKey) });
    await expect(locked.channels.addWebhook('ops-slack', 'https://hooks.slack.com/services/T/B/X', { createdBy: 'ann' })).rejects.toMatchObject({ code: 'E2030' });
    expect(locked.channels.list()).toEqual([]);
    await locked.dispose();
  });

  it('refuses a duplicate name and bad settings with coded errors', async () => {
    await alerts.channels.addWebhook('ops-slack', 'https://hooks.slack.com/services/T/B/X', { createdBy: 'ann' });
    await expect(alerts.channels.addWebhook('ops-slack', 'https://hooks.slack.com/services/T/B/Y', { createdBy: 'ann' })).rejects.toMatchObject({ code: 'E2007' });
    await expect(alerts.channels.addWebhook('Bad Name', 'https://hooks.slack.com/services/T/B/Y', { createdBy: 'ann' })).rejects.toMatchObject({ code: 'E2001' });
    await expect(alerts.channels.addWebhook('plain', 'http://hooks.example.com/x', { createdBy: 'ann' })).rejects.toMatchObject({ code: 'E2001' });
    await expect(
      alerts.channels.addEmail('mail', { host: 'smtp.example.com', port: 25, tls: 'none', user: 'u', from: 'a@example.com', to: ['b@example.com'] }, 'pw', { createdBy: 'ann' }),
    ).rejects.toMatchObject({ code: 'E2001' });
    expect(() => alerts.channels.update('missing', { enabled: false })).toThrow(/agentdock alerts channel list/);
  });

  it('removes a channel with its secret and delivery history', async () => {
    receiver = await startWebhookReceiver();
    const channel = await alerts.channels.addWebhook('ops-slack', receiver.url, { createdBy: 'ann' });
    await alerts.engine.test('ops-slack');
    await alerts.channels.remove('ops-slack');
    expect(alerts.channels.list()).toEqual([]);
    expect(alerts.repository.deliveries()).toEqual([]);
    await expect(vault.get(channelSecretName(channel.id), { environment: 'prod', actor: 'ann', role: 'admin' })).rejects.toMatchObject({ code: 'E2031' });
  });

  it('a disabled channel gets no alerts', async () => {
    receiver = await startWebhookReceiver();
    const agentId = new AgentsRepository(temp.db).create('lead-gen').id;
    await alerts.channels.addWebhook('ops-slack', receiver.url, { createdBy: 'ann' });
    expect(alerts.channels.update('ops-slack', { enabled: false }).enabled).toBe(false);
    const run = await alerts.engine.run([{ agentId, agentName: 'lead-gen', at: temp.db.now(), windowMs: 60_000, requests: 0, errors: 0, errorRate: null, p95Ms: null, spendUsd: 50, budgetLimitUsd: 50 }]);
    expect(run.decisions).toHaveLength(2);
    expect(run.deliveries).toEqual([]);
    expect(receiver.requests).toHaveLength(0);
  });
});
