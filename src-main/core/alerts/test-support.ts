/** Real receivers for the alert tests: an HTTP server that records webhook posts and an SMTP server with auth. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SMTPServer } from 'smtp-server';
import type { ChannelMessage, RetryOptions } from './channels/channel-types';

/** One request the receiver got. */
export interface ReceivedRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A webhook receiver on 127.0.0.1 answering with scripted statuses (the last one repeats). */
export interface WebhookReceiver {
  url: string;
  requests: ReceivedRequest[];
  /** Statuses to answer with, in order; `{ status, headers }` for extra headers. */
  script: (number | { status: number; headers?: Record<string, string>; body?: string; delayMs?: number })[];
  close(): Promise<void>;
}

/** Starts a webhook receiver. */
export async function startWebhookReceiver(pathname = '/services/T000/B000/XXXXXXXXsecretTOKEN'): Promise<WebhookReceiver> {
  const requests: ReceivedRequest[] = [];
  const receiver: Partial<WebhookReceiver> = { requests, script: [200] };
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      requests.push({ method: request.method ?? '', path: request.url ?? '', headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
      const script = receiver.script ?? [200];
      const step = script.length > 1 ? script.shift() : script[0];
      const answer = typeof step === 'number' || step === undefined ? { status: step ?? 200 } : step;
      const send = (): void => {
        response.writeHead(answer.status, { 'content-type': 'text/plain', ...('headers' in answer ? answer.headers : {}) });
        response.end('body' in answer && answer.body !== undefined ? answer.body : answer.status < 300 ? 'ok' : 'error');
      };
      if ('delayMs' in answer && answer.delayMs) setTimeout(send, answer.delayMs);
      else send();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  receiver.url = `http://127.0.0.1:${port}${pathname}`;
  receiver.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return receiver as WebhookReceiver;
}

/** One message the SMTP server accepted. */
export interface ReceivedMail {
  from: string;
  to: string[];
  user?: string;
  secure: boolean;
  raw: string;
}

/** An SMTP server on 127.0.0.1 with STARTTLS (the test certificate) and PLAIN/LOGIN auth. */
export interface SmtpReceiver {
  port: number;
  mails: ReceivedMail[];
  /** The CA the client must trust (the self-signed test certificate). */
  caPem: string;
  /** Replies to RCPT TO with these SMTP errors first, in order (e.g. 451 to test a retry). */
  rcptFailures: { code: number; message: string }[];
  close(): Promise<void>;
}

let certificate: { key: string; cert: string } | undefined;

/**
 * A throwaway self-signed certificate for 127.0.0.1/localhost, made once per test process with
 * openssl: no private key is ever committed, even a test one.
 */
function testCertificate(): { key: string; cert: string } {
  if (certificate) return certificate;
  const dir = mkdtempSync(path.join(tmpdir(), 'agentdock-smtp-cert-'));
  try {
    const keyFile = path.join(dir, 'key.pem');
    const certFile = path.join(dir, 'cert.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost'], { stdio: 'ignore' });
    certificate = { key: readFileSync(keyFile, 'utf8'), cert: readFileSync(certFile, 'utf8') };
    return certificate;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Starts an SMTP server; `secure` for implicit TLS, `allowInsecureAuth` for a plain relay. */
export async function startSmtpReceiver(options: { user: string; password: string; secure?: boolean; plain?: boolean }): Promise<SmtpReceiver> {
  const mails: ReceivedMail[] = [];
  const rcptFailures: { code: number; message: string }[] = [];
  const { key, cert } = testCertificate();
  const server = new SMTPServer({
    secure: options.secure ?? false,
    key,
    cert,
    authMethods: ['PLAIN', 'LOGIN'],
    allowInsecureAuth: options.plain ?? false,
    ...(options.plain ? { disabledCommands: ['STARTTLS'] } : {}),
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === options.user && auth.password === options.password) callback(null, { user: auth.username });
      else callback(Object.assign(new Error('Invalid username or password'), { responseCode: 535 }));
    },
    onRcptTo(_address, _session, callback) {
      const failure = rcptFailures.shift();
      if (failure) callback(Object.assign(new Error(failure.message), { responseCode: failure.code }));
      else callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        mails.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
          ...(typeof session.user === 'string' ? { user: session.user } : {}),
          secure: session.secure,
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return { port, mails, caPem: cert, rcptFailures, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** Retry settings that never wait, recording the waits they were asked for. */
export function instantRetry(maxAttempts = 3): RetryOptions & { waits: number[] } {
  const waits: number[] = [];
  return { maxAttempts, baseDelayMs: 1000, maxDelayMs: 30_000, random: () => 0.5, waits, sleep: async (ms) => void waits.push(ms) };
}

/** The message both channel tests send: a budget warning with money and a suggested action in it. */
export const BUDGET_WARNING_MESSAGE: ChannelMessage = {
  kind: 'fired',
  severity: 'warning',
  title: 'lead-gen: 90% of the budget used',
  body: 'LLM spend is $45.00 of the $50.00 budget (90%). Suggested action: approve a $25.00 increase.',
  agentName: 'lead-gen',
  rule: 'budget_warning',
  at: '2025-01-17T10:34:52.123Z',
};
