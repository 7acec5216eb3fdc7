/**
 * Migration 2: alerts and in-app notifications (src-main/core/alerts/README.md). Frozen once
 * released, like migration 1.
 *
 * History rows (alert_events, notifications) carry the agent's id and name without a foreign key:
 * they outlive a purged agent, as the audit trail does. alert_state and per-agent rule overrides
 * go with their agent.
 */

const iso = (column: string): string =>
  `CHECK (${column} GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9][0-9]Z')`;

const RULES = `'budget_warning', 'budget_exceeded', 'error_rate', 'latency_p95'`;
const SEVERITIES = `'info', 'warning', 'critical'`;

export const MIGRATION_0002_ALERTS = `
-- Overrides of the built-in rule defaults: agent_id NULL for every agent, else one agent.
CREATE TABLE alert_rules (
  agent_id    TEXT REFERENCES agents (id) ON DELETE CASCADE,
  rule        TEXT NOT NULL CHECK (rule IN (${RULES})),
  params_json TEXT NOT NULL CHECK (json_valid(params_json)),
  updated_at  TEXT NOT NULL ${iso('updated_at')}
) STRICT;
-- NULLs are distinct in a UNIQUE index, so the global scope is spelled ''.
CREATE UNIQUE INDEX alert_rules_scope ON alert_rules (coalesce(agent_id, ''), rule);

-- Once per threshold: where each rule of each agent stands, so a restart does not re-send.
CREATE TABLE alert_state (
  agent_id   TEXT NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
  rule       TEXT NOT NULL CHECK (rule IN (${RULES})),
  status     TEXT NOT NULL CHECK (status IN ('ok', 'firing')),
  -- The budget period the state belongs to; a new one re-arms budget rules.
  period     TEXT,
  -- Whether the firing was announced (a warning passed over in the same step as the critical is not).
  notified   INTEGER NOT NULL DEFAULT 0 CHECK (notified IN (0, 1)),
  since      TEXT NOT NULL ${iso('since')},
  event_id   INTEGER,
  PRIMARY KEY (agent_id, rule)
) STRICT, WITHOUT ROWID;

CREATE TABLE alert_events (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  agent_id   TEXT NOT NULL,
  agent_name TEXT NOT NULL,
  rule       TEXT NOT NULL CHECK (rule IN (${RULES})),
  kind       TEXT NOT NULL CHECK (kind IN ('fired', 'resolved')),
  severity   TEXT NOT NULL CHECK (severity IN (${SEVERITIES})),
  value      REAL,
  threshold  REAL NOT NULL,
  notified   INTEGER NOT NULL CHECK (notified IN (0, 1)),
  title      TEXT NOT NULL,
  body       TEXT NOT NULL,
  data_json  TEXT NOT NULL CHECK (json_valid(data_json)),
  created_at TEXT NOT NULL ${iso('created_at')}
) STRICT;
CREATE INDEX alert_events_agent ON alert_events (agent_id, id);
CREATE INDEX alert_events_created ON alert_events (created_at);

CREATE TABLE alert_channels (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  name          TEXT NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 63),
  kind          TEXT NOT NULL CHECK (kind IN ('webhook', 'email')),
  enabled       INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
  min_severity  TEXT NOT NULL DEFAULT 'warning' CHECK (min_severity IN (${SEVERITIES})),
  send_resolved INTEGER NOT NULL DEFAULT 1 CHECK (send_resolved IN (0, 1)),
  -- Non-secret settings only; the URL or password is a vault secret (AGENTDOCK_ALERT_CHANNEL_<id>).
  config_json   TEXT NOT NULL CHECK (json_valid(config_json)),
  has_secret    INTEGER NOT NULL CHECK (has_secret IN (0, 1)),
  created_by    TEXT NOT NULL,
  created_at    TEXT NOT NULL ${iso('created_at')},
  updated_at    TEXT NOT NULL ${iso('updated_at')}
) STRICT;

-- The outbox: written with the alert, sent afterwards. alert_event_id NULL: a channel test.
CREATE TABLE alert_deliveries (
  id             INTEGER PRIMARY KEY AUTOINCREMENT,
  alert_event_id INTEGER REFERENCES alert_events (id) ON DELETE CASCADE,
  channel_id     INTEGER NOT NULL REFERENCES alert_channels (id) ON DELETE CASCADE,
  status         TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'failed')),
  attempts       INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  last_error     TEXT,
  created_at     TEXT NOT NULL ${iso('created_at')},
  finished_at    TEXT ${iso('finished_at')},
  CHECK ((status = 'pending') = (finished_at IS NULL))
) STRICT;
CREATE INDEX alert_deliveries_pending ON alert_deliveries (status, id);
CREATE INDEX alert_deliveries_event ON alert_deliveries (alert_event_id);
CREATE INDEX alert_deliveries_channel ON alert_deliveries (channel_id, id);

-- In-app notifications (seed 002 #24): alerts and anything else the console must show.
CREATE TABLE notifications (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  agent_id   TEXT,
  agent_name TEXT,
  -- Who produced it: 'alert:<rule>', 'deploy', …
  source     TEXT NOT NULL CHECK (length(source) BETWEEN 1 AND 64),
  severity   TEXT NOT NULL CHECK (severity IN (${SEVERITIES})),
  title      TEXT NOT NULL,
  body       TEXT NOT NULL,
  data_json  TEXT NOT NULL CHECK (json_valid(data_json)),
  created_at TEXT NOT NULL ${iso('created_at')},
  read_at    TEXT ${iso('read_at')}
) STRICT;
CREATE INDEX notifications_unread ON notifications (id) WHERE read_at IS NULL;
CREATE INDEX notifications_created ON notifications (created_at);
CREATE INDEX notifications_agent ON notifications (agent_id, id);
`;
