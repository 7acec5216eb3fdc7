/**
 * The `container_registries` table: registry logins without their passwords. A password lives in
 * the vault; the row only says whether one is set (`hasPassword`), so a listing never needs the
 * master key and a database copy leaks nothing.
 */
import { CoreError } from '../contracts';
import type { StoreDatabase } from './database';
import { uniqueViolation } from './sqlite-errors';

export interface ContainerRegistry {
  id: number;
  /** Normalized: host[:port][/path], lower case, no scheme. */
  url: string;
  username?: string;
  hasPassword: boolean;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
}

interface RegistryRow {
  id: number;
  url: string;
  username: string | null;
  has_password: 0 | 1;
  created_by: string;
  created_at: string;
  updated_at: string;
}

const toRegistry = (row: RegistryRow): ContainerRegistry => ({
  id: row.id,
  url: row.url,
  ...(row.username !== null ? { username: row.username } : {}),
  hasPassword: row.has_password === 1,
  createdBy: row.created_by,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

/** Reads and writes registry logins. */
export class RegistriesRepository {
  constructor(private readonly db: StoreDatabase) {}

  /** Adds a registry; E2007 when its URL is already there. */
  create(input: { url: string; username?: string; hasPassword: boolean; createdBy: string }): ContainerRegistry {
    const now = this.db.now();
    try {
      const id = Number(
        this.db.sql
          .prepare('INSERT INTO container_registries (url, username, has_password, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)')
          .run(input.url, input.username ?? null, input.hasPassword ? 1 : 0, input.createdBy, now, now).lastInsertRowid,
      );
      return this.get(id) as ContainerRegistry;
    } catch (error) {
      if (uniqueViolation(error) === undefined) throw error;
      throw new CoreError('E2007', `The registry ${input.url} is already configured: change its login instead, or remove it first.`, { url: input.url });
    }
  }

  list(): ContainerRegistry[] {
    return (this.db.sql.prepare('SELECT * FROM container_registries ORDER BY url').all() as RegistryRow[]).map(toRegistry);
  }

  get(id: number): ContainerRegistry | undefined {
    const row = this.db.sql.prepare('SELECT * FROM container_registries WHERE id = ?').get(id) as RegistryRow | undefined;
    return row ? toRegistry(row) : undefined;
  }

  /** Changes the username (`null` removes it) and whether a password is set; undefined when there is no such registry. */
  update(id: number, patch: { username?: string | null; hasPassword?: boolean }): ContainerRegistry | undefined {
    const current = this.get(id);
    if (!current) return undefined;
    const username = patch.username === undefined ? (current.username ?? null) : patch.username;
    this.db.sql.prepare('UPDATE container_registries SET username = ?, has_password = ?, updated_at = ? WHERE id = ?').run(username, (patch.hasPassword ?? current.hasPassword) ? 1 : 0, this.db.now(), id);
    return this.get(id);
  }

  remove(id: number): boolean {
    return this.db.sql.prepare('DELETE FROM container_registries WHERE id = ?').run(id).changes > 0;
  }
}
