// E-mail delivery against a real SMTP server (smtp-server on 127.0.0.1) with STARTTLS and auth:
// the mail that arrives, a wrong password (not retried), a transient 451 (retried), implicit TLS.
import { afterEach, describe, expect, it } from 'vitest';
import { CoreError } from '../../contracts';
import { BUDGET_WARNING_MESSAGE as MESSAGE, instantRetry, startSmtpReceiver } from '../test-support';
import type { SmtpReceiver } from '../test-support';
import type { EmailSettings } from './channel-types';
import { checkEmailSettings, emailSubject, sendEmail } from './email-channel';

const PASSWORD = 'smtp-Pa55word-never-in-mail';

let server: SmtpReceiver | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function settings(overrides: Partial<EmailSettings> = {}): EmailSettings {
  return { host: '127.0.0.1', port: server?.port ?? 0, tls: 'starttls', user: 'alerts', from: 'agentdock@example.com', to: ['ops@company.com', 'cto@company.com'], caPem: server?.caPem ?? '', ...overrides };
}

describe('sendEmail', () => {
  it('delivers over STARTTLS with auth: subject, recipients and body arrive', async () => {
    server = await startSmtpReceiver({ user: 'alerts', password: PASSWORD });
    const result = await sendEmail(settings(), PASSWORD, MESSAGE, { retry: instantRetry(), timeoutMs: 5000 });
    expect(result).toEqual({ ok: true, attempts: 1 });
    expect(server.mails).toHaveLength(1);
    const [mail] = server.mails;
    expect(mail?.secure).toBe(true);
    expect(mail?.user).toBe('alerts');
    expect(mail?.from).toBe('agentdock@example.com');
    expect(mail?.to).toEqual(['ops@company.com', 'cto@company.com']);
    const raw = mail?.raw ?? '';
    expect(raw).toContain('Subject: [AgentDock] WARNING: lead-gen: 90% of the budget used');
    expect(raw).toContain('To: ops@company.com, cto@company.com');
    expect(raw).toMatch(/^X-AgentDock-Severity: warning\r$/im);
    const body = unfold(raw);
    expect(body).toContain('LLM spend is $45.00 of the $50.00 budget (90%). Suggested action: approve a $25.00 increase.');
    expect(body).toContain('Agent: lead-gen');
    expect(body).toContain('Rule: budget_warning');
    expect(raw).not.toContain(PASSWORD);
  });

  it('refuses a server whose certificate it cannot verify (no CA given)', async () => {
    server = await startSmtpReceiver({ user: 'alerts', password: PASSWORD });
    const { caPem: _caPem, ...withoutCa } = settings();
    const result = await sendEmail(withoutCa, PASSWORD, MESSAGE, { retry: instantRetry(1), timeoutMs: 5000 });
    expect(result.ok).toBe(false);
    expect(server.mails).toHaveLength(0);
  });

  it('does not retry a refused login, and the error carries no password', async () => {
    server = await startSmtpReceiver({ user: 'alerts', password: PASSWORD });
    const retry = instantRetry();
    const result = await sendEmail(settings(), 'wrong-password', MESSAGE, { retry, timeoutMs: 5000 });
    expect(result.ok).toBe(false);
    expect(result.attempts).toBe(1);
    expect(result.error).toContain('EAUTH');
    expect(result.error).not.toContain('wrong-password');
    expect(retry.waits).toEqual([]);
    expect(server.mails).toHaveLength(0);
  });

  it('retries a transient 451 and delivers once', async () => {
    server = await startSmtpReceiver({ user: 'alerts', password: PASSWORD });
    server.rcptFailures.push({ code: 451, message: 'Try again later' });
    const retry = instantRetry();
    const result = await sendEmail(settings({ to: ['ops@company.com'] }), PASSWORD, MESSAGE, { retry, timeoutMs: 5000 });
    expect(result).toEqual({ ok: true, attempts: 2 });
    expect(retry.waits).toHaveLength(1);
    expect(server.mails).toHaveLength(1);
  });

  it('does not retry a permanent 550', async () => {
    server = await startSmtpReceiver({ user: 'alerts', password: PASSWORD });
    server.rcptFailures.push({ code: 550, message: 'No such mailbox' });
    const result = await sendEmail(settings({ to: ['nobody@company.com'] }), PASSWORD, MESSAGE, { retry: instantRetry(), timeoutMs: 5000 });
    expect(result.ok).toBe(false);
    expect(result.attempts).toBe(1);
    expect(server.mails).toHaveLength(0);
  });

  it('delivers over implicit TLS', async () => {
    server = await startSmtpReceiver({ user: 'alerts', password: PASSWORD, secure: true });
    const result = await sendEmail(settings({ tls: 'tls' }), PASSWORD, MESSAGE, { retry: instantRetry(), timeoutMs: 5000 });
    expect(result).toEqual({ ok: true, attempts: 1 });
    expect(server.mails[0]?.secure).toBe(true);
  });

  it('delivers to a plain relay on loopback', async () => {
    server = await startSmtpReceiver({ user: 'alerts', password: PASSWORD, plain: true });
    const result = await sendEmail(settings({ tls: 'none' }), PASSWORD, MESSAGE, { retry: instantRetry(), timeoutMs: 5000 });
    expect(result).toEqual({ ok: true, attempts: 1 });
    expect(server.mails[0]?.secure).toBe(false);
  });
});

describe('checkEmailSettings', () => {
  const valid: EmailSettings = { host: 'smtp.example.com', port: 587, tls: 'starttls', user: 'u', from: 'a@example.com', to: ['ops@company.com'] };

  it('accepts sane settings and refuses a password over plain SMTP to another host', () => {
    expect(checkEmailSettings(valid, true)).toEqual(valid);
    expect(checkEmailSettings({ ...valid, host: '127.0.0.1', tls: 'none' }, true).tls).toBe('none');
    const refused = [
      () => checkEmailSettings({ ...valid, tls: 'none' }, true),
      () => checkEmailSettings({ ...valid, port: 0 }, false),
      () => checkEmailSettings({ ...valid, to: [] }, false),
      () => checkEmailSettings({ ...valid, to: ['not-an-address'] }, false),
      () => checkEmailSettings({ ...valid, from: 'x' }, false),
      () => checkEmailSettings({ ...valid, user: undefined }, true),
      () => checkEmailSettings({ ...valid, caPem: 'nope' }, false),
    ];
    for (const check of refused) expect(check).toThrow(CoreError);
  });

  it('labels subjects by kind', () => {
    expect(emailSubject({ ...MESSAGE, kind: 'resolved' })).toBe('[AgentDock] RESOLVED: lead-gen: 90% of the budget used');
    expect(emailSubject({ ...MESSAGE, kind: 'test', severity: 'info' })).toBe('[AgentDock] TEST: lead-gen: 90% of the budget used');
  });
});

/** The message with quoted-printable soft line breaks undone. */
function unfold(raw: string): string {
  return raw.replace(/=\r?\n/g, '').replace(/=3D/g, '=');
}
