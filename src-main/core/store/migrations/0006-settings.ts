/**
 * Migration 6: console settings (issue 5) — base images and retention windows as key/value rows,
 * and container registry logins. No secret is ever a column here: a registry's password lives in
 * the vault (`AGENTDOCK_REGISTRY_<id>`), and the row only records that one is set. Frozen once released.
 */

/** The one timestamp format (the same pattern as migration 1). */
const iso = (column: string): string =>
  `CHECK (${column} GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9][0-9]Z')`;

/** SQL of migration 6. */
export const MIGRATION_0006_SETTINGS = `
CREATE TABLE settings (
  -- Dotted names such as docker.baseImage.node or retention.auditDays; the code knows which exist.
  key        TEXT PRIMARY KEY CHECK (length(key) BETWEEN 1 AND 100 AND key NOT GLOB '*[^A-Za-z0-9.]*'),
  value_json TEXT NOT NULL CHECK (json_valid(value_json)),
  updated_by TEXT NOT NULL,
  updated_at TEXT NOT NULL ${iso('updated_at')}
) STRICT;

CREATE TABLE container_registries (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  -- host[:port][/path], lower case, no scheme: how Docker keys its credentials.
  url          TEXT NOT NULL UNIQUE CHECK (length(url) BETWEEN 1 AND 255 AND url NOT GLOB '*[^a-z0-9.:/_-]*'),
  username     TEXT CHECK (username IS NULL OR length(username) BETWEEN 1 AND 255),
  has_password INTEGER NOT NULL CHECK (has_password IN (0, 1)),
  created_by   TEXT NOT NULL,
  created_at   TEXT NOT NULL ${iso('created_at')},
  updated_at   TEXT NOT NULL ${iso('updated_at')}
) STRICT;
`;
