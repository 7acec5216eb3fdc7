/**
 * The secret part of a channel (a webhook URL, an SMTP password) kept in the vault: encrypted at
 * rest, every read audited. Names start with `AGENTDOCK_`, the prefix the controller keeps out
 * of every agent's environment (controller/runtime-secrets.ts), so a global secret of the console
 * never reaches an agent.
 */
import type { Vault } from '../vault';

/** Where channel secrets live; the vault in production. */
export interface ChannelSecretStore {
  put(channelId: number, value: string): Promise<void>;
  get(channelId: number): Promise<string>;
  remove(channelId: number): Promise<void>;
}

/** The vault secret holding a channel's URL or password. */
export function channelSecretName(channelId: number): string {
  return `AGENTDOCK_ALERT_CHANNEL_${channelId}`;
}

// Channels are not per environment; prod is where the console's own secrets are held.
const SCOPE = { environment: 'prod', actor: 'agentdock-alerts', role: 'admin' } as const;

/** Channel secrets in the vault; `vault` is called only when a secret is needed (a CLI listing needs no master key). */
export class VaultChannelSecrets implements ChannelSecretStore {
  constructor(private readonly vault: () => Vault) {}

  async put(channelId: number, value: string): Promise<void> {
    await this.vault().set(channelSecretName(channelId), value, SCOPE);
  }

  async get(channelId: number): Promise<string> {
    return (await this.vault().get(channelSecretName(channelId), SCOPE)).value;
  }

  async remove(channelId: number): Promise<void> {
    await this.vault().delete(channelSecretName(channelId), SCOPE);
  }
}
