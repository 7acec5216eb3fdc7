/**
 * The `settings` table: one JSON value per dotted key (`docker.baseImage.node`,
 * `retention.auditDays`), with who changed it and when. It stores and returns values; what keys
 * exist and which values are valid is the settings service's job (core/settings). Never a secret.
 */
import type { StoreDatabase } from './database';

export interface StoredSetting {
  key: string;
  value: unknown;
  updatedBy: string;
  updatedAt: string;
}

interface SettingRow {
  key: string;
  value_json: string;
  updated_by: string;
  updated_at: string;
}

/** Reads and writes settings rows. */
export class SettingsRepository {
  constructor(private readonly db: StoreDatabase) {}

  /** Every stored setting, by key. */
  all(): Map<string, StoredSetting> {
    const rows = this.db.sql.prepare('SELECT * FROM settings ORDER BY key').all() as SettingRow[];
    return new Map(rows.map((row) => [row.key, { key: row.key, value: JSON.parse(row.value_json) as unknown, updatedBy: row.updated_by, updatedAt: row.updated_at }]));
  }

  /** Sets (a value) or clears (`undefined`) each key, in one transaction. */
  write(changes: ReadonlyMap<string, unknown>, updatedBy: string): void {
    const upsert = this.db.sql.prepare(
      'INSERT INTO settings (key, value_json, updated_by, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT (key) DO UPDATE SET value_json = excluded.value_json, updated_by = excluded.updated_by, updated_at = excluded.updated_at',
    );
    const remove = this.db.sql.prepare('DELETE FROM settings WHERE key = ?');
    this.db.write(() => {
      const now = this.db.now();
      for (const [key, value] of changes) {
        if (value === undefined) remove.run(key);
        else upsert.run(key, JSON.stringify(value), updatedBy, now);
      }
    });
  }
}
