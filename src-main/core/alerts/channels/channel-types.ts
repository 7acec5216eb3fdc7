/** What a channel sends and how an attempt to send it ended. */
import type { Severity } from '../alert-types';

/** One message to a channel: an alert, its resolution, or a test. */
export interface ChannelMessage {
  kind: 'fired' | 'resolved' | 'test';
  severity: Severity;
  title: string;
  body: string;
  agentName?: string;
  rule?: string;
  /** ISO-8601. */
  at: string;
}

/** The outcome of a delivery (after retries). `error` never contains the channel's secret. */
export interface SendResult {
  ok: boolean;
  attempts: number;
  error?: string;
}

/** Non-secret settings of a webhook channel (the URL itself is the secret). */
export interface WebhookSettings {
  /** The URL's host, shown in listings instead of the URL. */
  host: string;
}

/** How an SMTP connection is secured. */
export type SmtpTls = 'starttls' | 'tls' | 'none';

/** Non-secret settings of an e-mail channel (the password is the secret). */
export interface EmailSettings {
  host: string;
  port: number;
  /** starttls: upgrade required (587); tls: implicit TLS (465); none: plain, loopback relays only. */
  tls: SmtpTls;
  user?: string;
  from: string;
  to: string[];
  /** A private CA the server's certificate chains to (PEM), for self-hosted relays. */
  caPem?: string;
}

/** Retry settings shared by both senders. */
export interface RetryOptions {
  /** Total attempts, first included. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Injected so tests never wait for real backoff. */
  sleep: (ms: number) => Promise<void>;
  /** 0..1; injected for deterministic tests. */
  random: () => number;
}
