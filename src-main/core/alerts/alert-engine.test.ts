// The engine over a real database, a real vault, a real HTTP receiver and a real SMTP server:
// once per threshold across a restart, two budget alerts not spam, the outbox, channel
// isolation, severity filters, notifications, and runs on request (runSoon) that coalesce and
// never overlap.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AgentsRepository } from '../store/agents-repository';
import type { StoreDatabase } from '../store/database';
import { tempDatabase } from '../store/test-support';
import { waitFor } from '../targets/process/process-test-support';
import type { TempDatabase } from '../store/test-support';
import { generateMasterKey, StaticKeyProvider, Vault } from '../vault';
import type { AgentHealthSample } from './alert-types';
import { createAlerts } from './index';
import type { Alerts } from './index';
import type { Notification } from './notifications-repository';
import { instantRetry, startSmtpReceiver, startWebhookReceiver } from './test-support';
import type { SmtpReceiver, WebhookReceiver } from './test-support';

let temp: TempDatabase;
let key: Buffer;
let agentId: string;
const opened: Alerts[] = [];
let receiver: WebhookReceiver | undefined;
let smtp: SmtpReceiver | undefined;

function open(db: StoreDatabase = temp.db): Alerts {
  const vault = new Vault(db, new StaticKeyProvider(key));
  const alerts = createAlerts(db, { vault: () => vault, retry: instantRetry(), timeoutMs: 5000 });
  opened.push(alerts);
  return alerts;
}

function sample(overrides: Partial<AgentHealthSample> = {}): AgentHealthSample {
  return { agentId, agentName: 'lead-gen', at: temp.db.now(), windowMs: 300_000, requests: 100, errors: 0, errorRate: 0, p95Ms: 500, spendUsd: 0, budgetLimitUsd: 50, budgetPeriod: 'dep_1', ...overrides };
}

beforeEach(() => {
  temp = tempDatabase();
  key = generateMasterKey();
  agentId = new AgentsRepository(temp.db).create('lead-gen').id;
});
afterEach(async () => {
  for (const alerts of opened.splice(0)) await alerts.dispose();
  await receiver?.close();
  await smtp?.close();
  receiver = undefined;
  smtp = undefined;
  temp.cleanup();
});

describe('AlertEngine', () => {
  it('budget 90% then 100%: two alerts to the webhook and in-app, not one per sample', async () => {
    receiver = await startWebhookReceiver();
    const alerts = open();
    await alerts.channels.addWebhook('ops-slack', receiver.url, { createdBy: 'ann' });
    for (const spendUsd of [10, 45, 46, 48, 50, 50, 50]) await alerts.engine.run([sample({ spendUsd })]);
    expect(receiver.requests.map((request) => (JSON.parse(request.body) as { text: string }).text.split('\n')[0])).toEqual([
      '⚠️ [WARNING] lead-gen: 90% of the budget used',
      '🚨 [CRITICAL] lead-gen: budget exhausted',
    ]);
    const notifications = alerts.notifications.list();
    expect(notifications.map((notification) => [notification.severity, notification.source, notification.title])).toEqual([
      ['critical', 'alert:budget_exceeded', 'lead-gen: budget exhausted'],
      ['warning', 'alert:budget_warning', 'lead-gen: 90% of the budget used'],
    ]);
    expect(notifications[1]?.data).toMatchObject({ action: 'increase_budget', suggestedIncreaseUsd: 25, rule: 'budget_warning', kind: 'fired' });
    expect(alerts.notifications.unreadCount()).toBe(2);
    expect(alerts.notifications.list({ afterId: notifications[1]?.id ?? 0 }).map((notification) => notification.id)).toEqual([notifications[0]?.id]);
    const history = alerts.repository.events({ agentId });
    expect(history.map((event) => `${event.kind} ${event.rule}`)).toEqual(['fired budget_exceeded', 'fired budget_warning']);
    expect(alerts.repository.deliveries().map((delivery) => [delivery.status, delivery.attempts])).toEqual([
      ['sent', 1],
      ['sent', 1],
    ]);
  });

  it('keeps once-per-threshold across a restart: reopening the database does not re-send', async () => {
    receiver = await startWebhookReceiver();
    const first = open();
    await first.channels.addWebhook('ops-slack', receiver.url, { createdBy: 'ann' });
    await first.engine.run([sample({ requests: 200, errors: 60, errorRate: 0.3 })]);
    expect(receiver.requests).toHaveLength(1);
    await first.dispose();
    temp.db.close();

    const again = open(temp.reopen());
    const run = await again.engine.run([sample({ at: again.repository.events()[0]?.createdAt ?? '', requests: 200, errors: 70, errorRate: 0.35 })]);
    expect(run.decisions).toEqual([]);
    expect(receiver.requests).toHaveLength(1);
    // Recovery (below 80% of 10%) re-arms it, and the next crossing is announced again.
    await again.engine.run([sample({ requests: 200, errors: 10, errorRate: 0.05 })]);
    await again.engine.run([sample({ requests: 200, errors: 40, errorRate: 0.2 })]);
    expect(receiver.requests.map((request) => (JSON.parse(request.body) as { text: string }).text.split('\n')[0])).toEqual([
      '⚠️ [WARNING] lead-gen: error rate 30%',
      '✅ [RESOLVED] lead-gen: error rate back to normal',
      '⚠️ [WARNING] lead-gen: error rate 20%',
    ]);
  });

  it('a failing channel fails alone: the webhook gets 400 (not retried), the mail still arrives', async () => {
    receiver = await startWebhookReceiver();
    receiver.script = [{ status: 400, body: 'no_service' }];
    smtp = await startSmtpReceiver({ user: 'alerts', password: 'smtp-secret-pw' });
    const alerts = open();
    const hook = await alerts.channels.addWebhook('broken-hook', receiver.url, { createdBy: 'ann' });
    const mail = await alerts.channels.addEmail(
      'ops-mail',
      { host: '127.0.0.1', port: smtp.port, tls: 'starttls', user: 'alerts', from: 'agentdock@example.com', to: ['ops@company.com'], caPem: smtp.caPem },
      'smtp-secret-pw',
      { createdBy: 'ann' },
    );
    const run = await alerts.engine.run([sample({ spendUsd: 45 })]);
    expect(run.deliveries.map((delivery) => [delivery.channelId, delivery.status, delivery.attempts, delivery.lastError])).toEqual(
      expect.arrayContaining([
        [hook.id, 'failed', 1, 'HTTP 400: no_service'],
        [mail.id, 'sent', 1, undefined],
      ]),
    );
    expect(receiver.requests).toHaveLength(1);
    expect(smtp.mails).toHaveLength(1);
    expect(smtp.mails[0]?.to).toEqual(['ops@company.com']);
    expect(smtp.mails[0]?.raw).toContain('Subject: [AgentDock] WARNING: lead-gen: 90% of the budget used');
  });

  it('respects each channel\'s minimum severity and resolution preference', async () => {
    receiver = await startWebhookReceiver();
    const alerts = open();
    await alerts.channels.addWebhook('pager', receiver.url, { createdBy: 'ann', minSeverity: 'critical', sendResolved: false });
    for (const spendUsd of [45, 50]) await alerts.engine.run([sample({ spendUsd })]);
    await alerts.engine.run([sample({ spendUsd: 50, budgetLimitUsd: 500 })]);
    expect(receiver.requests.map((request) => (JSON.parse(request.body) as { text: string }).text.split('\n')[0])).toEqual(['🚨 [CRITICAL] lead-gen: budget exhausted']);
    // In-app shows everything, resolutions as info.
    expect(alerts.notifications.list().map((notification) => notification.severity)).toEqual(['info', 'info', 'critical', 'warning']);
  });

  it('keeps pending deliveries across a restart (outbox) and gives up stale ones', async () => {
    receiver = await startWebhookReceiver();
    const first = open();
    await first.channels.addWebhook('ops-slack', receiver.url, { createdBy: 'ann' });
    expect(first.engine.process([sample({ spendUsd: 45 })])).toHaveLength(1);
    await first.dispose();
    temp.db.close();

    const db = temp.reopen();
    const again = open(db);
    expect(again.repository.pendingDeliveries()).toHaveLength(1);
    const [delivery] = await again.engine.deliverPending();
    expect(delivery).toMatchObject({ status: 'sent', attempts: 1 });
    expect(receiver.requests).toHaveLength(1);

    again.engine.process([sample({ spendUsd: 50 })]);
    temp.clock.advance(2 * 3_600_000);
    const [stale] = await again.engine.deliverPending();
    expect(stale?.status).toBe('failed');
    expect(stale?.lastError).toMatch(/^expired/);
    expect(receiver.requests).toHaveLength(1);
  });

  it('tells subscribers after the commit; a throwing listener hurts nobody; dispose unsubscribes', async () => {
    const alerts = open();
    const heard: Notification[] = [];
    const broken = alerts.notifications.subscribe(() => {
      throw new Error('listener bug');
    });
    const listening = alerts.notifications.subscribe((notification) => {
      // The row is committed by the time a listener runs.
      expect(alerts.notifications.repository.byId(notification.id)).toBeDefined();
      heard.push(notification);
    });
    alerts.engine.process([sample({ p95Ms: 9000 })]);
    expect(heard.map((notification) => notification.title)).toEqual(['lead-gen: p95 latency 9 s']);
    listening.dispose();
    broken.dispose();
    expect(alerts.notifications.listenerCount).toBe(0);
    alerts.engine.process([sample({ p95Ms: 100 })]);
    expect(heard).toHaveLength(1);
    expect(alerts.notifications.markRead([heard[0]?.id ?? 0])).toBe(1);
    expect(alerts.notifications.unreadCount()).toBe(1);
    expect(alerts.notifications.markAllRead()).toBe(1);
    expect(alerts.notifications.list({ unreadOnly: true })).toEqual([]);
  });

  it('an unknown agent id is reported and does not stop the other samples', () => {
    const errors: unknown[] = [];
    const vault = new Vault(temp.db, new StaticKeyProvider(key));
    const alerts = createAlerts(temp.db, { vault: () => vault, onError: (error) => errors.push(error) });
    opened.push(alerts);
    const decisions = alerts.engine.process([sample({ agentId: 'ag_missing', spendUsd: 45 }), sample({ spendUsd: 45 })]);
    expect(decisions.map((decision) => decision.agentId)).toEqual([agentId]);
    expect(errors).toHaveLength(1);
    expect(alerts.repository.events().map((event) => event.agentId)).toEqual([agentId]);
  });

  it('evaluate() is a dry run: it decides from the stored state and writes nothing', () => {
    const alerts = open();
    expect(alerts.engine.evaluate([sample({ spendUsd: 45 })]).map((decision) => decision.rule)).toEqual(['budget_warning']);
    expect(alerts.repository.events()).toEqual([]);
    expect(alerts.engine.evaluate([sample({ spendUsd: 45 })])).toHaveLength(1);
  });

  it('applies stored rule overrides, global and per agent', async () => {
    const alerts = open();
    alerts.repository.setOverride('error_rate', { threshold: 0.5 });
    alerts.repository.setOverride('error_rate', { minRequests: 5 }, agentId);
    expect(alerts.repository.rulesFor(agentId).error_rate).toMatchObject({ threshold: 0.5, minRequests: 5, resolveRatio: 0.8 });
    expect(alerts.engine.process([sample({ requests: 10, errors: 4, errorRate: 0.4 })])).toEqual([]);
    expect(alerts.engine.process([sample({ requests: 10, errors: 6, errorRate: 0.6 })]).map((decision) => decision.rule)).toEqual(['error_rate']);
    expect(alerts.repository.clearOverride('error_rate')).toBe(true);
    expect(alerts.repository.rulesFor(agentId).error_rate.threshold).toBe(0.1);
  });

  it('runs on a schedule until disposed', async () => {
    const alerts = open();
    let calls = 0;
    let ran!: () => void;
    const done = new Promise<void>((resolve) => (ran = resolve));
    const schedule = alerts.engine.schedule(() => {
      calls += 1;
      if (calls === 2) ran();
      return [sample({ spendUsd: 45 })];
    }, 10);
    await done;
    schedule.dispose();
    await alerts.dispose();
    expect(alerts.repository.events()).toHaveLength(1);
  });

  it('runSoon: a burst of requests is one run; a request during a run gets one more run after it, never alongside', async () => {
    receiver = await startWebhookReceiver();
    const alerts = open();
    await alerts.channels.addWebhook('ops-slack', receiver.url, { createdBy: 'ann' });
    let spendUsd = 45;
    const sampled: number[] = [];
    let sampling = 0;
    let mostAtOnce = 0;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const source = async (): Promise<AgentHealthSample[]> => {
      const spend = spendUsd;
      sampled.push(spend);
      mostAtOnce = Math.max(mostAtOnce, ++sampling);
      await gate;
      sampling -= 1;
      return [sample({ spendUsd: spend })];
    };
    const burst = Array.from({ length: 5 }, () => alerts.engine.runSoon(source));
    await waitFor('the first run to sample', () => sampled.length === 1);
    // The run in progress sampled 45: requests now must not be lost, nor be one run each.
    spendUsd = 50;
    const during = Array.from({ length: 5 }, () => alerts.engine.runSoon(source));
    release();
    await Promise.all([...burst, ...during]);
    expect(sampled).toEqual([45, 50]);
    expect(mostAtOnce).toBe(1);
    expect(receiver.requests.map((request) => (JSON.parse(request.body) as { text: string }).text.split('\n')[0])).toEqual([
      '⚠️ [WARNING] lead-gen: 90% of the budget used',
      '🚨 [CRITICAL] lead-gen: budget exhausted',
    ]);
    expect(alerts.notifications.list().map((notification) => notification.source)).toEqual(['alert:budget_exceeded', 'alert:budget_warning']);
  });

  it('runSoon waits for a scheduled run in progress instead of running beside it', async () => {
    const alerts = open();
    let sampling = 0;
    let mostAtOnce = 0;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const ticks: number[] = [];
    const slow = async (): Promise<AgentHealthSample[]> => {
      ticks.push(ticks.length);
      mostAtOnce = Math.max(mostAtOnce, ++sampling);
      await gate;
      sampling -= 1;
      return [sample({ spendUsd: 45 })];
    };
    const schedule = alerts.engine.schedule(slow, 10);
    await waitFor('a scheduled run to start', () => ticks.length === 1);
    let requestedRan = false;
    const requested = alerts.engine.runSoon(() => {
      requestedRan = true;
      mostAtOnce = Math.max(mostAtOnce, sampling + 1);
      return [sample({ spendUsd: 46 })];
    });
    schedule.dispose();
    // runSoon's own setImmediate was queued first: after this one, a run beside the first would have begun.
    await new Promise((resolve) => setImmediate(resolve));
    expect(requestedRan).toBe(false);
    release();
    await requested;
    expect(requestedRan).toBe(true);
    expect(mostAtOnce).toBe(1);
    expect(alerts.repository.events().map((event) => event.rule)).toEqual(['budget_warning']);
    await alerts.dispose();
    expect(await alerts.engine.runSoon(() => [sample({ spendUsd: 50 })]).then(() => alerts.repository.events())).toHaveLength(1);
  });
});
