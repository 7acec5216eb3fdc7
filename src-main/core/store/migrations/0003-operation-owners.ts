/**
 * Migration 3: who runs each operation that a crash can interrupt (a deploy in progress, a
 * pending idempotency key), so start-up reconcile can tell an interrupted deploy from one that
 * another process — the desktop app and a CLI in a terminal share the data dir — is still running.
 * Frozen once released.
 */

/** The one timestamp format, as a CHECK on `column` (the same pattern as migration 1). */
const iso = (column: string): string =>
  `CHECK (${column} GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9][0-9]Z')`;

/** SQL of migration 3. */
export const MIGRATION_0003_OPERATION_OWNERS = `
-- resource: 'deployment:<id>' or 'idempotency:<scope>:<key>'. One row per owning process; the
-- start token tells a live owner from a later process that reused its pid (see the controller's
-- operation-owner.ts), the heartbeat judges owners on another host (a data dir on a shared disk).
CREATE TABLE operation_owners (
  resource     TEXT NOT NULL CHECK (length(resource) BETWEEN 1 AND 600),
  host         TEXT NOT NULL,
  pid          INTEGER NOT NULL CHECK (pid > 0),
  start_token  TEXT NOT NULL,
  heartbeat_at TEXT NOT NULL ${iso('heartbeat_at')},
  created_at   TEXT NOT NULL ${iso('created_at')},
  PRIMARY KEY (resource, host, pid)
) STRICT;
`;
