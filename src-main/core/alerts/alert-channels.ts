/**
 * Configured channels as a service: add a webhook or an SMTP channel (settings in the table,
 * the URL or password in the vault), list, change, remove, and send one message to one channel.
 * `send` never throws: a channel's failure is a result, so it cannot stop another channel or the
 * engine.
 */
import { CoreError } from '../contracts';
import type { Severity } from './alert-types';
import type { ChannelSecretStore } from './channel-secrets';
import { checkEmailSettings, sendEmail } from './channels/email-channel';
import type { ChannelMessage, EmailSettings, RetryOptions, SendResult } from './channels/channel-types';
import { DEFAULT_RETRY } from './channels/retry';
import { checkWebhookUrl, sendWebhook } from './channels/webhook-channel';
import type { ChannelRecord, ChannelsRepository } from './channels-repository';

export interface AlertChannelsOptions {
  repository: ChannelsRepository;
  secrets: ChannelSecretStore;
  retry?: Partial<RetryOptions>;
  /** Per attempt, for HTTP and SMTP alike; default 10 s. */
  timeoutMs?: number;
}

/** Preferences every channel has. */
export interface ChannelPreferences {
  minSeverity?: Severity;
  sendResolved?: boolean;
  createdBy: string;
}

/** Where alerts go. */
export class AlertChannels {
  readonly repository: ChannelsRepository;
  private readonly secrets: ChannelSecretStore;
  private readonly retry: RetryOptions;
  private readonly timeoutMs: number;

  constructor(options: AlertChannelsOptions) {
    this.repository = options.repository;
    this.secrets = options.secrets;
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.timeoutMs = options.timeoutMs ?? 10_000;
  }

  /** Adds a webhook channel; the URL goes to the vault, only its host to the table. */
  async addWebhook(name: string, url: string, preferences: ChannelPreferences): Promise<ChannelRecord> {
    const parsed = checkWebhookUrl(url.trim());
    return this.withSecret(this.repository.create({ name, kind: 'webhook', settings: { host: parsed.host }, hasSecret: true, ...preferences }), parsed.toString());
  }

  /** Adds an SMTP channel; the password (if any) goes to the vault. */
  async addEmail(name: string, settings: EmailSettings, password: string | undefined, preferences: ChannelPreferences): Promise<ChannelRecord> {
    const hasPassword = password !== undefined && password !== '';
    const checked = checkEmailSettings({ ...settings, to: [...settings.to] }, hasPassword);
    const channel = this.repository.create({ name, kind: 'email', settings: checked, hasSecret: hasPassword, ...preferences });
    return hasPassword ? this.withSecret(channel, password) : channel;
  }

  /** Every channel (settings only; secrets stay in the vault). */
  list(): ChannelRecord[] {
    return this.repository.list();
  }

  /** Enables, disables or changes what a channel receives. */
  update(name: string, patch: { enabled?: boolean; minSeverity?: Severity; sendResolved?: boolean }): ChannelRecord {
    return this.repository.update(this.repository.require(name).id, patch);
  }

  /** Removes a channel and soft-deletes its vault secret. */
  async remove(name: string): Promise<ChannelRecord> {
    const channel = this.repository.require(name);
    if (channel.hasSecret) {
      try {
        await this.secrets.remove(channel.id);
      } catch (error) {
        // A secret already gone is what removal wants; anything else (a locked vault) must stop it.
        if (!(error instanceof CoreError && error.code === 'E2031')) throw error;
      }
    }
    this.repository.remove(channel.id);
    return channel;
  }

  /** Sends one message to one channel, with retries; never throws. */
  async send(channel: ChannelRecord, message: ChannelMessage): Promise<SendResult> {
    let secret: string | undefined;
    if (channel.hasSecret) {
      try {
        secret = await this.secrets.get(channel.id);
      } catch (error) {
        return { ok: false, attempts: 0, error: `cannot read the channel's secret from the vault: ${error instanceof CoreError ? `${error.code} ${error.message}` : 'internal error'}` };
      }
    }
    try {
      if (channel.kind === 'webhook') {
        if (secret === undefined) return { ok: false, attempts: 0, error: 'the webhook channel has no URL; remove it and add it again' };
        return await sendWebhook(secret, message, { retry: this.retry, timeoutMs: this.timeoutMs });
      }
      return await sendEmail(channel.settings, secret, message, { retry: this.retry, timeoutMs: this.timeoutMs });
    } catch {
      // The senders turn every failure into a result; this is the guard for a bug, worded without details that might hold a secret.
      return { ok: false, attempts: 1, error: 'internal error while sending' };
    }
  }

  /** Stores the channel's secret; a failure (e.g. no master key) removes the half-made channel again. */
  private async withSecret(channel: ChannelRecord, secret: string): Promise<ChannelRecord> {
    try {
      await this.secrets.put(channel.id, secret);
      return channel;
    } catch (error) {
      this.repository.remove(channel.id);
      throw error;
    }
  }
}
