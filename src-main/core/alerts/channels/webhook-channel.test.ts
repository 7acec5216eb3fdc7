// Webhook delivery against a real HTTP receiver on 127.0.0.1: the Slack-compatible body, retries
// on 503 and 429, none on 400, timeouts, refused connections, and no URL in any error.
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { CoreError } from '../../contracts';
import { BUDGET_WARNING_MESSAGE as MESSAGE, instantRetry, startWebhookReceiver } from '../test-support';
import type { WebhookReceiver } from '../test-support';
import { checkWebhookUrl, sendWebhook, slackPayload } from './webhook-channel';

let receiver: WebhookReceiver | undefined;
afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
});

describe('sendWebhook', () => {
  it('POSTs Slack-compatible JSON: text plus header, section and context blocks', async () => {
    receiver = await startWebhookReceiver();
    const result = await sendWebhook(receiver.url, MESSAGE, { retry: instantRetry(), timeoutMs: 5000 });
    expect(result).toEqual({ ok: true, attempts: 1 });
    expect(receiver.requests).toHaveLength(1);
    const [request] = receiver.requests;
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe('/services/T000/B000/XXXXXXXXsecretTOKEN');
    expect(request?.headers['content-type']).toBe('application/json; charset=utf-8');
    const body = JSON.parse(request?.body ?? '') as { text: string; blocks: { type: string; text?: { type: string; text: string }; elements?: { text: string }[] }[] };
    expect(body.text).toBe(`⚠️ [WARNING] lead-gen: 90% of the budget used\n${MESSAGE.body}`);
    expect(body.blocks.map((block) => block.type)).toEqual(['header', 'section', 'context']);
    expect(body.blocks[0]?.text).toEqual({ type: 'plain_text', text: '⚠️ [WARNING] lead-gen: 90% of the budget used', emoji: true });
    expect(body.blocks[1]?.text).toEqual({ type: 'mrkdwn', text: MESSAGE.body });
    expect(body.blocks[2]?.elements?.[0]?.text).toBe('AgentDock · agent *lead-gen* · rule `budget_warning` · 2025-01-17T10:34:52.123Z');
  });

  it('retries a 503 with backoff and succeeds on the next attempt', async () => {
    receiver = await startWebhookReceiver();
    receiver.script = [503, 200];
    const retry = instantRetry();
    const result = await sendWebhook(receiver.url, MESSAGE, { retry, timeoutMs: 5000 });
    expect(result).toEqual({ ok: true, attempts: 2 });
    expect(receiver.requests).toHaveLength(2);
    expect(receiver.requests[0]?.body).toBe(receiver.requests[1]?.body);
    expect(retry.waits).toEqual([1000]);
  });

  it('gives up after the last attempt on a receiver that keeps failing, with waits doubling', async () => {
    receiver = await startWebhookReceiver();
    receiver.script = [500];
    const retry = instantRetry(3);
    const result = await sendWebhook(receiver.url, MESSAGE, { retry, timeoutMs: 5000 });
    expect(result).toEqual({ ok: false, attempts: 3, error: 'HTTP 500: error' });
    expect(receiver.requests).toHaveLength(3);
    expect(retry.waits).toEqual([1000, 2000]);
  });

  it('never retries a 400: a rejected payload or URL does not get better', async () => {
    receiver = await startWebhookReceiver();
    receiver.script = [{ status: 400, body: 'invalid_payload' }];
    const retry = instantRetry();
    const result = await sendWebhook(receiver.url, MESSAGE, { retry, timeoutMs: 5000 });
    expect(result).toEqual({ ok: false, attempts: 1, error: 'HTTP 400: invalid_payload' });
    expect(receiver.requests).toHaveLength(1);
    expect(retry.waits).toEqual([]);
  });

  it('waits as long as a 429 Retry-After asks before retrying', async () => {
    receiver = await startWebhookReceiver();
    receiver.script = [{ status: 429, headers: { 'retry-after': '7' } }, 200];
    const retry = instantRetry();
    expect(await sendWebhook(receiver.url, MESSAGE, { retry, timeoutMs: 5000 })).toEqual({ ok: true, attempts: 2 });
    expect(retry.waits).toEqual([7000]);
  });

  it('does not follow a redirect', async () => {
    receiver = await startWebhookReceiver();
    receiver.script = [{ status: 302, headers: { location: 'http://127.0.0.1:1/elsewhere' } }];
    const result = await sendWebhook(receiver.url, MESSAGE, { retry: instantRetry(), timeoutMs: 5000 });
    expect(result.ok).toBe(false);
    expect(result.attempts).toBe(1);
    expect(result.error).toContain('HTTP 302');
    expect(receiver.requests).toHaveLength(1);
  });

  it('times out a receiver that does not answer, retries, and reports it without the URL', async () => {
    receiver = await startWebhookReceiver();
    receiver.script = [{ status: 200, delayMs: 2000 }, 200];
    const result = await sendWebhook(receiver.url, MESSAGE, { retry: instantRetry(), timeoutMs: 200 });
    expect(result).toEqual({ ok: true, attempts: 2 });
  });

  it('retries a refused connection and names the cause, never the URL', async () => {
    const port = await unusedPort();
    const url = `http://127.0.0.1:${port}/services/T000/B000/secretTOKEN`;
    const result = await sendWebhook(url, MESSAGE, { retry: instantRetry(2), timeoutMs: 2000 });
    expect(result).toEqual({ ok: false, attempts: 2, error: 'network error (ECONNREFUSED)' });
  });

  it('scrubs the URL path from an error a receiver echoes', async () => {
    receiver = await startWebhookReceiver();
    receiver.script = [{ status: 404, body: `no hook at ${new URL(receiver.url).pathname}` }];
    const result = await sendWebhook(receiver.url, MESSAGE, { retry: instantRetry(), timeoutMs: 5000 });
    expect(result.error).toBe('HTTP 404: no hook at <path>');
    expect(result.error).not.toContain('secretTOKEN');
  });
});

describe('slackPayload', () => {
  it('marks resolutions and tests, escapes mrkdwn and truncates a long header', () => {
    const resolved = slackPayload({ ...MESSAGE, kind: 'resolved', title: 'x'.repeat(200), body: 'a < b & c > d' });
    expect(resolved.text.startsWith('✅ [RESOLVED] ')).toBe(true);
    const [header, section] = resolved.blocks as { text: { text: string } }[];
    expect(header?.text.text).toHaveLength(150);
    expect(section?.text.text).toBe('a &lt; b &amp; c &gt; d');
    expect(slackPayload({ ...MESSAGE, kind: 'test', severity: 'info' }).text.startsWith('ℹ️ [TEST] ')).toBe(true);
    expect(slackPayload({ ...MESSAGE, severity: 'critical' }).text.startsWith('🚨 [CRITICAL] ')).toBe(true);
  });
});

describe('checkWebhookUrl', () => {
  it('accepts https anywhere and http only to this machine', () => {
    expect(checkWebhookUrl('https://hooks.slack.com/services/T/B/X').host).toBe('hooks.slack.com');
    expect(checkWebhookUrl('http://127.0.0.1:8080/hook').host).toBe('127.0.0.1:8080');
    expect(checkWebhookUrl('http://localhost/hook').host).toBe('localhost');
    for (const bad of ['http://hooks.example.com/services/X', 'ftp://example.com/x', 'not a url', 'https://user:pw@example.com/x']) {
      expect(() => checkWebhookUrl(bad)).toThrow(CoreError);
    }
    try {
      checkWebhookUrl('http://hooks.example.com/services/SECRETPATH');
    } catch (error) {
      expect((error as CoreError).code).toBe('E2001');
      expect((error as CoreError).message).not.toContain('SECRETPATH');
    }
  });
});

/** A port nothing listens on: bind one, note it, close it. */
async function unusedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
