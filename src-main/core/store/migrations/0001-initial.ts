/**
 * Migration 1: the whole schema of ARCHITECTURE.md §4. Frozen once released: a change to the
 * schema is a new numbered migration, never an edit here (a database already at version 1 would
 * not see it).
 *
 * Conventions: ids are text with a type prefix (`ag_…`, see ids.ts) except the append-only logs,
 * which use an AUTOINCREMENT sequence (never reused, so a gap shows a purge); timestamps are
 * ISO-8601 UTC text with milliseconds, checked by pattern so text order is time order; tables are
 * STRICT so a wrong type is an error rather than a silent conversion.
 */

/** The one timestamp format (`2025-01-17T10:34:52.123Z`), as a CHECK on `column`. */
const iso = (column: string): string =>
  `CHECK (${column} GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9][0-9]Z')`;

/**
 * Append-only log: UPDATE is always refused; DELETE only for rows the retention job has opened
 * (`retention_guard.cutoff`, set and cleared inside the job's own transaction) and that are more
 * than a day old by SQLite's own clock (no caller can claim a time). So an ordinary `DELETE FROM audit_log` fails, a recent row can
 * never be deleted whatever a caller writes into the guard, and a crash mid-purge rolls the guard
 * back with the purge. (Anyone holding the file can still drop a trigger; the triggers stop
 * mistakes and application-level tampering, not the owner of the disk.) COALESCE because a NULL
 * comparison must mean "refuse", not "don't fire".
 */
const appendOnly = (table: string): string => `
CREATE TRIGGER ${table}_no_update BEFORE UPDATE ON ${table}
BEGIN
  SELECT RAISE(ABORT, '${table} is append-only: rows cannot be changed');
END;

CREATE TRIGGER ${table}_no_delete BEFORE DELETE ON ${table}
WHEN NOT COALESCE(
  OLD.created_at < (SELECT cutoff FROM retention_guard WHERE table_name = '${table}')
  AND OLD.created_at < strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-1 day'),
  0)
BEGIN
  SELECT RAISE(ABORT, '${table} is append-only: only the retention job deletes rows, and only old ones');
END;
`;

export const MIGRATION_0001_INITIAL = `
CREATE TABLE agents (
  id            TEXT PRIMARY KEY,
  name          TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 63),
  -- DNS-1123 form of the name (toResourceName): what Docker and Kubernetes objects are called.
  resource_name TEXT NOT NULL CHECK (length(resource_name) BETWEEN 1 AND 63),
  created_at    TEXT NOT NULL ${iso('created_at')},
  deleted_at    TEXT ${iso('deleted_at')}
) STRICT;
-- Unique among live agents, so a deleted agent's name can be used again (the old agent keeps its
-- history under its own id). resource_name refuses a_b next to a-b: both would be "a-b" on a target.
CREATE UNIQUE INDEX agents_live_name ON agents (name) WHERE deleted_at IS NULL;
CREATE UNIQUE INDEX agents_live_resource_name ON agents (resource_name) WHERE deleted_at IS NULL;

CREATE TABLE agent_versions (
  id              TEXT PRIMARY KEY,
  agent_id        TEXT NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
  version_number  INTEGER NOT NULL CHECK (version_number >= 1),
  dockfile_yaml   TEXT NOT NULL,
  spec_json       TEXT NOT NULL CHECK (json_valid(spec_json)),
  content_hash    TEXT NOT NULL CHECK (length(content_hash) = 64 AND content_hash NOT GLOB '*[^0-9a-f]*'),
  image_ref       TEXT,
  image_id        TEXT,
  runtime_version TEXT NOT NULL,
  created_by      TEXT NOT NULL,
  created_at      TEXT NOT NULL ${iso('created_at')},
  CHECK ((image_ref IS NULL) = (image_id IS NULL)),
  UNIQUE (agent_id, version_number),
  -- Same inputs, same version: a repeated deploy finds the existing row instead of adding v2.
  UNIQUE (agent_id, content_hash),
  -- Target of deployments' composite key: a deployment's version belongs to the same agent.
  UNIQUE (id, agent_id)
) STRICT;

-- Versions are immutable. The one permitted change fills in the image of a version first built
-- for a target without images (process) and later deployed to Docker: image_ref/image_id go from
-- NULL to a value once, every other column unchanged.
CREATE TRIGGER agent_versions_immutable BEFORE UPDATE ON agent_versions
WHEN NOT (
  OLD.image_ref IS NULL AND NEW.image_ref IS NOT NULL AND NEW.image_id IS NOT NULL
  AND NEW.id IS OLD.id AND NEW.agent_id IS OLD.agent_id AND NEW.version_number IS OLD.version_number
  AND NEW.dockfile_yaml IS OLD.dockfile_yaml AND NEW.spec_json IS OLD.spec_json
  AND NEW.content_hash IS OLD.content_hash AND NEW.runtime_version IS OLD.runtime_version
  AND NEW.created_by IS OLD.created_by AND NEW.created_at IS OLD.created_at
)
BEGIN
  SELECT RAISE(ABORT, 'agent_versions are immutable: register a new version instead');
END;

-- Versions are never deleted while their agent exists. Purging an agent deletes the agent row
-- first and then cascades, so by the time a version's DELETE runs its agent is gone.
CREATE TRIGGER agent_versions_no_delete BEFORE DELETE ON agent_versions
WHEN EXISTS (SELECT 1 FROM agents WHERE id = OLD.agent_id)
BEGIN
  SELECT RAISE(ABORT, 'agent_versions are immutable: versions are removed only by purging their agent');
END;

CREATE TABLE deployments (
  id           TEXT PRIMARY KEY,
  agent_id     TEXT NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
  version_id   TEXT NOT NULL,
  target_kind  TEXT NOT NULL CHECK (target_kind IN ('process', 'docker', 'kubernetes')),
  -- Which engine or cluster: '' for the local process target, a Docker context, 'context/namespace'.
  target_ref   TEXT NOT NULL DEFAULT '',
  environment  TEXT NOT NULL CHECK (environment IN ('dev', 'prod')),
  status       TEXT NOT NULL CHECK (status IN ('pending', 'building', 'starting', 'healthy', 'active', 'failed', 'rolled_back', 'stopped', 'superseded', 'deleted')),
  endpoint     TEXT,
  replicas     INTEGER NOT NULL CHECK (replicas >= 0),
  trust        TEXT NOT NULL CHECK (trust IN ('TRUSTED', 'STANDARD', 'UNTRUSTED', 'CONFIDENTIAL')),
  error        TEXT,
  created_by   TEXT NOT NULL,
  created_at   TEXT NOT NULL ${iso('created_at')},
  updated_at   TEXT NOT NULL ${iso('updated_at')},
  activated_at TEXT ${iso('activated_at')},
  FOREIGN KEY (version_id, agent_id) REFERENCES agent_versions (id, agent_id)
) STRICT;
-- One deployment serves an agent on a given target at a time (blue/green switches in one transaction).
CREATE UNIQUE INDEX deployments_one_active ON deployments (agent_id, target_kind, target_ref) WHERE status = 'active';
CREATE INDEX deployments_agent ON deployments (agent_id, created_at);
CREATE INDEX deployments_version ON deployments (version_id, agent_id);

CREATE TABLE api_keys (
  id           TEXT PRIMARY KEY,
  agent_id     TEXT NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
  role         TEXT NOT NULL CHECK (length(role) BETWEEN 1 AND 64),
  label        TEXT,
  -- SHA-256 of the raw key, lowercase hex (seed 002: high-entropy tokens are hashed, not salted,
  -- so the hash itself is the lookup key). The raw key is never stored.
  hash         TEXT NOT NULL UNIQUE CHECK (length(hash) = 64 AND hash NOT GLOB '*[^0-9a-f]*'),
  -- adk_ + 8 characters: enough for a person to recognise the key, useless to an attacker.
  prefix       TEXT NOT NULL CHECK (length(prefix) <= 16),
  created_by   TEXT NOT NULL,
  created_at   TEXT NOT NULL ${iso('created_at')},
  expires_at   TEXT ${iso('expires_at')},
  revoked_at   TEXT ${iso('revoked_at')},
  last_used_at TEXT ${iso('last_used_at')}
) STRICT;
CREATE INDEX api_keys_agent ON api_keys (agent_id);

CREATE TABLE secrets (
  id          TEXT PRIMARY KEY,
  -- Injected as an environment variable, so an environment variable's name.
  name        TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 128 AND name GLOB '[A-Za-z_]*' AND name NOT GLOB '*[^A-Za-z0-9_]*'),
  environment TEXT NOT NULL CHECK (environment IN ('dev', 'prod')),
  -- NULL: a global secret every agent of the environment receives.
  agent_id    TEXT REFERENCES agents (id) ON DELETE CASCADE,
  -- AES-256-GCM output followed by its 16-byte tag.
  ciphertext  BLOB NOT NULL CHECK (length(ciphertext) >= 16),
  nonce       BLOB NOT NULL CHECK (length(nonce) = 12),
  salt        BLOB NOT NULL CHECK (length(salt) = 16),
  -- vault_meta.key_version of the master key that sealed this row.
  key_version INTEGER NOT NULL,
  created_by  TEXT NOT NULL,
  created_at  TEXT NOT NULL ${iso('created_at')},
  updated_at  TEXT NOT NULL ${iso('updated_at')},
  deleted_at  TEXT ${iso('deleted_at')}
) STRICT;
-- NULLs are distinct in a UNIQUE index, so the global scope is spelled ''.
CREATE UNIQUE INDEX secrets_live_name ON secrets (name, environment, coalesce(agent_id, '')) WHERE deleted_at IS NULL;
-- Unique salt and nonce per secret (seed 002 #29), held by the database rather than by luck.
CREATE UNIQUE INDEX secrets_salt ON secrets (salt);
CREATE UNIQUE INDEX secrets_nonce ON secrets (nonce);
CREATE INDEX secrets_agent ON secrets (agent_id);

-- One row: how the master key is obtained and a check value that tells a wrong key apart before
-- any secret is decrypted.
CREATE TABLE vault_meta (
  id              INTEGER PRIMARY KEY CHECK (id = 1),
  key_version     INTEGER NOT NULL CHECK (key_version >= 1),
  -- MasterKeyProvider.keyId that sealed the vault ('passphrase' or 'keychain'), for error messages.
  key_source      TEXT NOT NULL,
  kdf_algorithm   TEXT CHECK (kdf_algorithm IS NULL OR kdf_algorithm = 'argon2id'),
  kdf_salt        BLOB CHECK (kdf_salt IS NULL OR length(kdf_salt) = 16),
  kdf_memory_kib  INTEGER,
  kdf_iterations  INTEGER,
  kdf_parallelism INTEGER,
  check_nonce     BLOB NOT NULL CHECK (length(check_nonce) = 12),
  check_value     BLOB NOT NULL,
  created_at      TEXT NOT NULL ${iso('created_at')},
  rotated_at      TEXT ${iso('rotated_at')},
  CHECK ((kdf_algorithm IS NULL) = (kdf_salt IS NULL))
) STRICT;

-- Opened by the retention job inside its own transaction (see the append-only triggers).
CREATE TABLE retention_guard (
  table_name TEXT PRIMARY KEY CHECK (table_name IN ('audit_log', 'secret_audit_log')),
  cutoff     TEXT ${iso('cutoff')}
) STRICT;
INSERT INTO retention_guard (table_name, cutoff) VALUES ('audit_log', NULL), ('secret_audit_log', NULL);

CREATE TABLE audit_log (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  created_at   TEXT NOT NULL ${iso('created_at')},
  actor        TEXT NOT NULL,
  role         TEXT NOT NULL,
  action       TEXT NOT NULL,
  target       TEXT NOT NULL,
  success      INTEGER NOT NULL CHECK (success IN (0, 1)),
  error        TEXT,
  details_json TEXT CHECK (details_json IS NULL OR json_valid(details_json))
) STRICT;
CREATE INDEX audit_log_created ON audit_log (created_at);
CREATE INDEX audit_log_target ON audit_log (target, id);
${appendOnly('audit_log')}

-- Seed 002 #34: every secret operation, never a value.
CREATE TABLE secret_audit_log (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  created_at    TEXT NOT NULL ${iso('created_at')},
  -- No foreign keys: the trail outlives the secret and its agent.
  secret_id     TEXT,
  secret_name   TEXT,
  environment   TEXT,
  agent_id      TEXT,
  operation     TEXT NOT NULL CHECK (operation IN ('CREATE', 'READ', 'UPDATE', 'DELETE', 'RESTORE', 'LIST', 'RESOLVE', 'UNLOCK', 'ROTATE_MASTER_KEY')),
  requester_role TEXT NOT NULL,
  actor         TEXT NOT NULL,
  success       INTEGER NOT NULL CHECK (success IN (0, 1)),
  error_message TEXT
) STRICT;
CREATE INDEX secret_audit_log_created ON secret_audit_log (created_at);
CREATE INDEX secret_audit_log_name ON secret_audit_log (secret_name, id);
${appendOnly('secret_audit_log')}

CREATE TABLE telemetry_events (
  id            INTEGER PRIMARY KEY,
  agent_id      TEXT NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
  -- Not a foreign key: checking it would cost every insert, and events go with their agent anyway.
  deployment_id TEXT,
  -- The runtime process the event came from; with event_id it identifies an event, so an SSE
  -- resume that re-sends events does not count them twice.
  source        TEXT NOT NULL,
  event_id      INTEGER NOT NULL,
  type          TEXT NOT NULL,
  trace_id      TEXT,
  time          TEXT NOT NULL ${iso('time')},
  data_json     TEXT NOT NULL CHECK (json_valid(data_json)),
  UNIQUE (source, event_id)
) STRICT;
CREATE INDEX telemetry_events_agent_time ON telemetry_events (agent_id, time);
CREATE INDEX telemetry_events_time ON telemetry_events (time);

-- Per agent and minute. Everything in a row merges by addition (min/max by min/max), so minutes
-- combine into any window exactly; the latency histogram has fixed log-spaced buckets
-- (latency-histogram.ts) stored sparsely as {"bucket": count}.
CREATE TABLE telemetry_rollups (
  agent_id       TEXT NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
  minute         TEXT NOT NULL ${iso('minute')},
  requests       INTEGER NOT NULL DEFAULT 0,
  errors         INTEGER NOT NULL DEFAULT 0,
  tokens_in      INTEGER NOT NULL DEFAULT 0,
  tokens_out     INTEGER NOT NULL DEFAULT 0,
  cost_usd       REAL NOT NULL DEFAULT 0,
  latency_sum_ms REAL NOT NULL DEFAULT 0,
  latency_min_ms REAL,
  latency_max_ms REAL,
  latency_histogram TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(latency_histogram)),
  PRIMARY KEY (agent_id, minute)
) STRICT, WITHOUT ROWID;
CREATE INDEX telemetry_rollups_minute ON telemetry_rollups (minute);

CREATE TABLE idempotency_keys (
  scope         TEXT NOT NULL,
  key           TEXT NOT NULL CHECK (length(key) BETWEEN 1 AND 255),
  request_hash  TEXT NOT NULL,
  state         TEXT NOT NULL CHECK (state IN ('pending', 'done')),
  response_json TEXT CHECK (response_json IS NULL OR json_valid(response_json)),
  created_at    TEXT NOT NULL ${iso('created_at')},
  expires_at    TEXT NOT NULL ${iso('expires_at')},
  CHECK ((state = 'done') = (response_json IS NOT NULL)),
  PRIMARY KEY (scope, key)
) STRICT;
CREATE INDEX idempotency_keys_expires ON idempotency_keys (expires_at);
`;
