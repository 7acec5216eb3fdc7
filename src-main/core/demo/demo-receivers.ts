/**
 * Where the demo's alerts land: a webhook endpoint and a mailbox on 127.0.0.1, registered as alert
 * channels for the run (`demo-webhook`, `demo-email`) and removed after it. They stand in for
 * Slack and the team's inbox, so the budget warning at lead #85 is delivered for real — through
 * the same channels, outbox and SMTP client as production — with no network.
 *
 * The mailbox speaks just enough SMTP for a client that sends one message per connection (greeting,
 * EHLO, MAIL, RCPT, DATA, QUIT); it keeps subjects and bodies in memory.
 */
import { createServer as createHttpServer } from 'node:http';
import { createServer as createTcpServer } from 'node:net';
import type { Socket } from 'node:net';
import type { ControlPlane } from '../control-plane';
import { closeServer, listenOnLoopback } from '../loopback-server';

export interface ReceivedMessage {
  channel: 'webhook' | 'email';
  /** The webhook's `text`, or the e-mail's subject. */
  title: string;
  body: string;
}

export interface DemoReceivers {
  received(): ReceivedMessage[];
  /** Resolves with the first message that matches, or undefined after `timeoutMs`. */
  waitFor(match: (message: ReceivedMessage) => boolean, timeoutMs: number): Promise<ReceivedMessage | undefined>;
  close(): Promise<void>;
}

const CHANNELS = { webhook: 'demo-webhook', email: 'demo-email' } as const;

/** Starts both receivers and registers them as alert channels of `plane`. */
export async function startDemoReceivers(plane: ControlPlane, actor: string): Promise<DemoReceivers> {
  const messages: ReceivedMessage[] = [];
  const waiters = new Set<() => void>();
  const add = (message: ReceivedMessage): void => {
    messages.push(message);
    for (const wake of waiters) wake();
  };

  const webhook = createHttpServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      let text = '';
      try {
        text = String((JSON.parse(Buffer.concat(chunks).toString('utf8')) as { text?: unknown }).text ?? '');
      } catch {
        text = Buffer.concat(chunks).toString('utf8').slice(0, 500);
      }
      add({ channel: 'webhook', title: text.split('\n')[0] ?? '', body: text });
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  const mailbox = createTcpServer((socket) => serveSmtp(socket, (subject, body) => add({ channel: 'email', title: subject, body })));
  const webhookPort = await listenOnLoopback(webhook);
  const smtpPort = await listenOnLoopback(mailbox);

  const alerts = plane.alerts();
  for (const name of Object.values(CHANNELS)) await alerts.channels.remove(name).catch(() => undefined);
  const preferences = { minSeverity: 'warning' as const, sendResolved: false, createdBy: actor };
  await alerts.channels.addWebhook(CHANNELS.webhook, `http://127.0.0.1:${webhookPort}/hooks/agentdock-demo`, preferences);
  await alerts.channels.addEmail(CHANNELS.email, { host: '127.0.0.1', port: smtpPort, tls: 'none', from: 'agentdock-demo@localhost', to: ['sales-ops@localhost'] }, undefined, preferences);

  return {
    received: () => [...messages],
    waitFor(match, timeoutMs) {
      return new Promise((resolve) => {
        const check = (): void => {
          const found = messages.find(match);
          if (found) finish(found);
        };
        const timer = setTimeout(() => finish(undefined), timeoutMs);
        function finish(found: ReceivedMessage | undefined): void {
          clearTimeout(timer);
          waiters.delete(check);
          resolve(found);
        }
        waiters.add(check);
        check();
      });
    },
    async close() {
      for (const name of Object.values(CHANNELS)) await alerts.channels.remove(name).catch(() => undefined);
      await Promise.all([closeServer(webhook), closeServer(mailbox)]);
    },
  };
}

/** One SMTP session: accepts any sender and recipient, hands each message's subject and body on. */
function serveSmtp(socket: Socket, deliver: (subject: string, body: string) => void): void {
  let buffer = '';
  let data: string[] | undefined;
  const reply = (line: string): void => void socket.write(`${line}\r\n`);
  socket.setEncoding('utf8');
  socket.on('error', () => socket.destroy());
  reply('220 localhost AgentDock demo mailbox');
  socket.on('data', (chunk: string) => {
    buffer += chunk;
    let end: number;
    while ((end = buffer.indexOf('\r\n')) >= 0) {
      const line = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      if (data) {
        if (line === '.') {
          const message = data.join('\n');
          const split = message.indexOf('\n\n');
          const headers = split >= 0 ? message.slice(0, split) : message;
          deliver(/^subject: (.*)$/im.exec(headers)?.[1]?.trim() ?? '', split >= 0 ? message.slice(split + 2) : '');
          data = undefined;
          reply('250 2.0.0 queued');
        } else data.push(line.startsWith('..') ? line.slice(1) : line);
        continue;
      }
      const verb = line.slice(0, 4).toUpperCase();
      if (verb === 'EHLO' || verb === 'HELO') reply('250 localhost');
      else if (verb === 'MAIL' || verb === 'RCPT' || verb === 'RSET' || verb === 'NOOP') reply('250 2.1.0 ok');
      else if (verb === 'DATA') {
        data = [];
        reply('354 end with <CRLF>.<CRLF>');
      } else if (verb === 'QUIT') {
        reply('221 2.0.0 bye');
        socket.end();
      } else reply('502 5.5.2 not implemented');
    }
  });
}
