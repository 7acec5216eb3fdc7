/**
 * Webhook delivery in Slack's incoming-webhook format: `text` (what notifications, Mattermost,
 * Rocket.Chat and other Slack-compatible receivers show) plus Block Kit `blocks` (what Slack
 * renders). The URL is the credential (Slack puts the token in the path), so it is checked,
 * never logged, and scrubbed from every error this module reports.
 */
import { CoreError } from '../../contracts';
import type { ChannelMessage, RetryOptions, SendResult } from './channel-types';
import { withRetries } from './retry';
import type { AttemptOutcome } from './retry';

const SEVERITY_MARK: Record<ChannelMessage['severity'], string> = { info: 'ℹ️', warning: '⚠️', critical: '🚨' };
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Slack's limits: a header's plain text is at most 150 characters, a section's text 3000. */
const HEADER_MAX = 150;
const SECTION_MAX = 3000;

/** The JSON body of a message. */
export function slackPayload(message: ChannelMessage): { text: string; blocks: unknown[] } {
  const mark = message.kind === 'resolved' ? '✅' : SEVERITY_MARK[message.severity];
  const label = message.kind === 'resolved' ? 'RESOLVED' : message.kind === 'test' ? 'TEST' : message.severity.toUpperCase();
  const headline = `${mark} [${label}] ${message.title}`;
  const context = ['AgentDock', message.agentName ? `agent *${escapeMrkdwn(message.agentName)}*` : undefined, message.rule ? `rule \`${escapeMrkdwn(message.rule)}\`` : undefined, message.at]
    .filter((part): part is string => part !== undefined)
    .join(' · ');
  return {
    text: `${headline}\n${message.body}`,
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: truncate(headline, HEADER_MAX), emoji: true } },
      { type: 'section', text: { type: 'mrkdwn', text: truncate(escapeMrkdwn(message.body), SECTION_MAX) } },
      { type: 'context', elements: [{ type: 'mrkdwn', text: context }] },
    ],
  };
}

/** Checks a webhook URL: https, or http to this machine only (a plain-http URL would expose its token on the network). */
export function checkWebhookUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new CoreError('E2001', 'The webhook URL is not a valid URL: paste the full https://… address your chat tool gave you.');
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname))) {
    throw new CoreError('E2001', `A webhook URL must use https (plain http is accepted only for 127.0.0.1/localhost): its path usually carries the token. Got a ${url.protocol} URL to ${url.host}.`);
  }
  if (url.username || url.password) throw new CoreError('E2001', 'Put no user name or password in the webhook URL.');
  return url;
}

export interface WebhookOptions {
  retry: RetryOptions;
  /** Per attempt. */
  timeoutMs: number;
}

/** POSTs the message; retries on network errors, timeouts, 5xx and 429, never on another 4xx. */
export async function sendWebhook(url: string, message: ChannelMessage, options: WebhookOptions): Promise<SendResult> {
  const body = JSON.stringify(slackPayload(message));
  const result = await withRetries(() => attempt(url, body, options.timeoutMs), options.retry);
  return result.error === undefined ? result : { ...result, error: scrub(result.error, url) };
}

async function attempt(url: string, body: string, timeoutMs: number): Promise<AttemptOutcome> {
  let response: Response;
  try {
    // No redirects: a webhook that answers with one is misconfigured, and following it would
    // send the alert somewhere the user did not choose.
    response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json; charset=utf-8', 'user-agent': 'AgentDock-Alerts' }, body, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    return { ok: false, retryable: true, error: networkError(error, timeoutMs) };
  }
  const text = await response.text().catch(() => '');
  if (response.status >= 200 && response.status < 300) return { ok: true };
  const detail = `HTTP ${response.status}${text ? `: ${oneLine(text).slice(0, 200)}` : ''}`;
  if (response.status >= 500) return { ok: false, retryable: true, error: detail };
  if (response.status === 429) {
    const retryAfter = Number(response.headers.get('retry-after'));
    return { ok: false, retryable: true, error: detail, ...(Number.isFinite(retryAfter) && retryAfter >= 0 ? { retryAfterMs: retryAfter * 1000 } : {}) };
  }
  if (response.status >= 300 && response.status < 400) return { ok: false, retryable: false, error: `${detail} (a redirect; use the final webhook URL)` };
  return { ok: false, retryable: false, error: detail };
}

/** A network failure in words, without the URL (undici's cause carries the code, e.g. ECONNREFUSED). */
function networkError(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) return `no answer within ${timeoutMs} ms`;
  const cause = error instanceof Error ? (error.cause as { code?: unknown } | undefined) : undefined;
  return `network error${typeof cause?.code === 'string' ? ` (${cause.code})` : ''}`;
}

/** Removes the URL and its path from a message (defence in depth: a receiver may echo it). */
function scrub(text: string, url: string): string {
  let scrubbed = text.split(url).join('<webhook url>');
  try {
    const { pathname } = new URL(url);
    if (pathname.length > 1) scrubbed = scrubbed.split(pathname).join('<path>');
  } catch {
    // checkWebhookUrl ran when the channel was added; nothing more to remove.
  }
  return scrubbed;
}

function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
