/**
 * E-mail delivery over SMTP through nodemailer (seed 002 #11: "email sent to ops@company.com").
 * TLS is required by default; plain SMTP is accepted only to a relay on this machine, so a
 * password never crosses a network in the clear. Transient failures (connection, timeout, a 4xx
 * reply) are retried; a 5xx reply or a refused login is final.
 */
import { isIP } from 'node:net';
import nodemailer from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport';
import { CoreError } from '../../contracts';
import type { ChannelMessage, EmailSettings, RetryOptions, SendResult } from './channel-types';
import { withRetries } from './retry';
import type { AttemptOutcome } from './retry';

const ADDRESS = /^[^\s@<>"',;]+@[^\s@<>"',;]+$/;
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '::1']);
const TRANSIENT_CODES = new Set(['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS']);

/** The subject line: `[AgentDock] WARNING: lead-gen: 90% of the budget used`. */
export function emailSubject(message: ChannelMessage): string {
  const label = message.kind === 'resolved' ? 'RESOLVED' : message.kind === 'test' ? 'TEST' : message.severity.toUpperCase();
  return `[AgentDock] ${label}: ${message.title}`;
}

/** The plain-text body. */
export function emailText(message: ChannelMessage): string {
  const facts = [message.agentName ? `Agent: ${message.agentName}` : undefined, message.rule ? `Rule: ${message.rule}` : undefined, `Severity: ${message.severity}`, `Time: ${message.at}`].filter(Boolean);
  return `${message.body}\n\n${facts.join('\n')}\n\n-- \nSent by AgentDock alerts.\n`;
}

/** Checks e-mail settings (E2001 saying what is wrong); `hasPassword` when a password goes with them. */
export function checkEmailSettings(settings: EmailSettings, hasPassword: boolean): EmailSettings {
  if (!settings.host || /[\s/]/.test(settings.host)) throw new CoreError('E2001', 'The SMTP host must be a host name or IP address, e.g. smtp.example.com.');
  if (!Number.isInteger(settings.port) || settings.port < 1 || settings.port > 65535) throw new CoreError('E2001', `The SMTP port must be 1–65535 (587 for STARTTLS, 465 for TLS), got ${settings.port}.`);
  if (!['starttls', 'tls', 'none'].includes(settings.tls)) throw new CoreError('E2001', 'The SMTP tls mode must be starttls, tls or none.');
  if (settings.tls === 'none' && hasPassword && !LOOPBACK_HOSTS.has(settings.host)) {
    throw new CoreError('E2001', `Plain SMTP to ${settings.host} would send the password unencrypted: use --tls starttls (port 587) or tls (port 465); plain SMTP is for a relay on 127.0.0.1 only.`);
  }
  if (hasPassword && !settings.user) throw new CoreError('E2001', 'An SMTP password needs a user name (--user).');
  if (!ADDRESS.test(settings.from)) throw new CoreError('E2001', `The sender "${settings.from}" is not an e-mail address.`);
  if (settings.to.length === 0) throw new CoreError('E2001', 'Give at least one recipient (--to ops@example.com).');
  for (const to of settings.to) if (!ADDRESS.test(to)) throw new CoreError('E2001', `The recipient "${to}" is not an e-mail address.`);
  if (settings.caPem !== undefined && !settings.caPem.includes('-----BEGIN CERTIFICATE-----')) throw new CoreError('E2001', 'The CA must be a PEM certificate (-----BEGIN CERTIFICATE-----).');
  return settings;
}

export interface EmailOptions {
  retry: RetryOptions;
  /** Connection, greeting and socket timeouts, per attempt. */
  timeoutMs: number;
}

/** Sends the message to every recipient in one SMTP transaction. */
export async function sendEmail(settings: EmailSettings, password: string | undefined, message: ChannelMessage, options: EmailOptions): Promise<SendResult> {
  const transportOptions: SMTPTransport.Options = {
    host: settings.host,
    port: settings.port,
    secure: settings.tls === 'tls',
    requireTLS: settings.tls === 'starttls',
    ignoreTLS: settings.tls === 'none',
    ...(settings.user && password !== undefined ? { auth: { user: settings.user, pass: password } } : {}),
    // A certificate for a name is checked against that name even when the host is an IP literal.
    tls: { ...(settings.caPem ? { ca: settings.caPem } : {}), ...(isIP(settings.host) ? {} : { servername: settings.host }) },
    connectionTimeout: options.timeoutMs,
    greetingTimeout: options.timeoutMs,
    socketTimeout: options.timeoutMs,
  };
  const mail = { from: settings.from, to: settings.to, subject: emailSubject(message), text: emailText(message), headers: { 'X-AgentDock-Severity': message.severity } };
  const result = await withRetries(async () => {
    const transport = nodemailer.createTransport(transportOptions);
    try {
      await transport.sendMail(mail);
      return { ok: true } as const;
    } catch (error) {
      return classify(error);
    } finally {
      transport.close();
    }
  }, options.retry);
  return result.error === undefined || password === undefined || password === '' ? result : { ...result, error: result.error.split(password).join('***') };
}

function classify(error: unknown): AttemptOutcome {
  const { code, responseCode, message } = error as { code?: unknown; responseCode?: unknown; message?: unknown };
  const text = `${typeof code === 'string' ? `${code}: ` : ''}${typeof message === 'string' ? message.replace(/\s+/g, ' ').slice(0, 300) : 'SMTP error'}`;
  if (typeof responseCode === 'number') return { ok: false, retryable: responseCode >= 400 && responseCode < 500, error: text };
  return { ok: false, retryable: typeof code === 'string' && TRANSIENT_CODES.has(code), error: text };
}
