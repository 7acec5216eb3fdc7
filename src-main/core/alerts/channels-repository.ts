/** The `alert_channels` table: where alerts go, with non-secret settings only. */
import { CoreError } from '../contracts';
import type { StoreDatabase } from '../store/database';
import { uniqueViolation } from '../store/sqlite-errors';
import type { Severity } from './alert-types';
import type { EmailSettings, WebhookSettings } from './channels/channel-types';

/** The common columns of a channel. */
interface ChannelBase {
  id: number;
  name: string;
  enabled: boolean;
  minSeverity: Severity;
  sendResolved: boolean;
  /** Whether a vault secret (URL or password) belongs to it. */
  hasSecret: boolean;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
}

/** A configured channel. */
export type ChannelRecord = (ChannelBase & { kind: 'webhook'; settings: WebhookSettings }) | (ChannelBase & { kind: 'email'; settings: EmailSettings });

/** What a new channel needs. */
export type NewChannel = { name: string; minSeverity?: Severity; sendResolved?: boolean; hasSecret: boolean; createdBy: string } & ({ kind: 'webhook'; settings: WebhookSettings } | { kind: 'email'; settings: EmailSettings });

interface ChannelRow {
  id: number;
  name: string;
  kind: 'webhook' | 'email';
  enabled: 0 | 1;
  min_severity: Severity;
  send_resolved: 0 | 1;
  config_json: string;
  has_secret: 0 | 1;
  created_by: string;
  created_at: string;
  updated_at: string;
}

const NAME = /^[a-z0-9][a-z0-9_-]{0,62}$/;

/** Reads and writes channels. */
export class ChannelsRepository {
  constructor(private readonly db: StoreDatabase) {}

  /** Adds a channel; E2007 if the name is taken. */
  create(channel: NewChannel): ChannelRecord {
    if (!NAME.test(channel.name)) throw new CoreError('E2001', `"${channel.name}" is not a valid channel name: use lowercase letters, digits, "-" and "_", at most 63 characters.`, { name: channel.name });
    const now = this.db.now();
    try {
      const id = Number(
        this.db.sql
          .prepare('INSERT INTO alert_channels (name, kind, min_severity, send_resolved, config_json, has_secret, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
          .run(channel.name, channel.kind, channel.minSeverity ?? 'warning', channel.sendResolved === false ? 0 : 1, JSON.stringify(channel.settings), channel.hasSecret ? 1 : 0, channel.createdBy, now, now).lastInsertRowid,
      );
      return this.byId(id) as ChannelRecord;
    } catch (error) {
      if (uniqueViolation(error) === undefined) throw error;
      throw new CoreError('E2007', `An alert channel named ${channel.name} already exists: pick another name, or remove it first (agentdock alerts channel remove ${channel.name}).`, { name: channel.name });
    }
  }

  /** Every channel, by name. */
  list(): ChannelRecord[] {
    return (this.db.sql.prepare('SELECT * FROM alert_channels ORDER BY name').all() as ChannelRow[]).map(toChannel);
  }

  /** One channel by id. */
  byId(id: number): ChannelRecord | undefined {
    const row = this.db.sql.prepare('SELECT * FROM alert_channels WHERE id = ?').get(id) as ChannelRow | undefined;
    return row ? toChannel(row) : undefined;
  }

  /** One channel by name; E2001 naming the way to list them if there is none. */
  require(name: string): ChannelRecord {
    const row = this.db.sql.prepare('SELECT * FROM alert_channels WHERE name = ?').get(name) as ChannelRow | undefined;
    if (!row) throw new CoreError('E2001', `No alert channel named ${name}. Run \`agentdock alerts channel list\` to see the configured ones.`, { name });
    return toChannel(row);
  }

  /** Changes the delivery preferences of a channel. */
  update(id: number, patch: { enabled?: boolean; minSeverity?: Severity; sendResolved?: boolean }): ChannelRecord {
    const current = this.byId(id);
    if (!current) throw new CoreError('E2001', `No alert channel with id ${id}.`, { id });
    this.db.sql
      .prepare('UPDATE alert_channels SET enabled = ?, min_severity = ?, send_resolved = ?, updated_at = ? WHERE id = ?')
      .run((patch.enabled ?? current.enabled) ? 1 : 0, patch.minSeverity ?? current.minSeverity, (patch.sendResolved ?? current.sendResolved) ? 1 : 0, this.db.now(), id);
    return this.byId(id) as ChannelRecord;
  }

  /** Removes a channel and its delivery history. */
  remove(id: number): boolean {
    return this.db.sql.prepare('DELETE FROM alert_channels WHERE id = ?').run(id).changes > 0;
  }
}

function toChannel(row: ChannelRow): ChannelRecord {
  const base: ChannelBase = {
    id: row.id,
    name: row.name,
    enabled: row.enabled === 1,
    minSeverity: row.min_severity,
    sendResolved: row.send_resolved === 1,
    hasSecret: row.has_secret === 1,
    createdBy: row.created_by,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
  return row.kind === 'webhook' ? { ...base, kind: 'webhook', settings: JSON.parse(row.config_json) as WebhookSettings } : { ...base, kind: 'email', settings: JSON.parse(row.config_json) as EmailSettings };
}
