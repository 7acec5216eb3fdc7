/** Alerts and in-app notifications (README.md beside this file). */
import type { StoreDatabase } from '../store/database';
import type { Vault } from '../vault';
import { AlertChannels } from './alert-channels';
import type { AlertChannelsOptions } from './alert-channels';
import { AlertEngine } from './alert-engine';
import type { AlertEngineOptions } from './alert-engine';
import { AlertsRepository } from './alerts-repository';
import { VaultChannelSecrets } from './channel-secrets';
import type { ChannelSecretStore } from './channel-secrets';
import { ChannelsRepository } from './channels-repository';
import { NotificationCenter } from './notification-center';

export * from './alert-channels';
export * from './alert-engine';
export * from './alert-rules';
export * from './alert-texts';
export * from './alert-types';
export * from './alerts-repository';
export * from './channel-secrets';
export * from './channels/channel-types';
export { checkEmailSettings, emailSubject, emailText, sendEmail } from './channels/email-channel';
export { DEFAULT_RETRY, backoffMs, withRetries } from './channels/retry';
export { checkWebhookUrl, sendWebhook, slackPayload } from './channels/webhook-channel';
export * from './channels-repository';
export * from './evaluate';
export * from './notification-center';
export * from './notifications-repository';
export * from './telemetry-samples';

/** The alert services over one database, as the composition root hands them out. */
export interface Alerts {
  engine: AlertEngine;
  notifications: NotificationCenter;
  channels: AlertChannels;
  repository: AlertsRepository;
  /** Stops schedules and waits for deliveries in flight. */
  dispose(): Promise<void>;
}

/** Builds the alert services; channel secrets go to `vault` (opened only when a secret is touched) unless `secrets` is given. */
export function createAlerts(
  db: StoreDatabase,
  options: { vault?: () => Vault; secrets?: ChannelSecretStore; retry?: AlertChannelsOptions['retry']; timeoutMs?: number } & Pick<AlertEngineOptions, 'maxPendingAgeMs' | 'onError'> = {},
): Alerts {
  const vault = options.vault;
  const secrets =
    options.secrets ??
    (vault
      ? new VaultChannelSecrets(vault)
      : {
          put: () => Promise.reject(noVault()),
          get: () => Promise.reject(noVault()),
          remove: () => Promise.reject(noVault()),
        });
  const repository = new AlertsRepository(db);
  const notifications = NotificationCenter.over(db);
  const channels = new AlertChannels({ repository: new ChannelsRepository(db), secrets, ...(options.retry ? { retry: options.retry } : {}), ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}) });
  const engine = new AlertEngine({ db, alerts: repository, channels, notifications, ...(options.maxPendingAgeMs !== undefined ? { maxPendingAgeMs: options.maxPendingAgeMs } : {}), ...(options.onError ? { onError: options.onError } : {}) });
  return { engine, notifications, channels, repository, dispose: () => engine.dispose() };
}

function noVault(): Error {
  return new Error('createAlerts was given no vault: channel secrets cannot be stored or read');
}
