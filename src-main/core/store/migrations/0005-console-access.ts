/**
 * Migration 5: console access tokens — the sign-ins to `agentdock serve` beyond the local user
 * (seed 004 §5.8.5: admin, developer, viewer). Like API keys, only the SHA-256 of a token is kept:
 * tokens are 256-bit random, so the unsalted hash is safe and is the lookup key. Frozen once released.
 */

/** The one timestamp format (the same pattern as migration 1). */
const iso = (column: string): string =>
  `CHECK (${column} GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9][0-9]Z')`;

/** SQL of migration 5. */
export const MIGRATION_0005_CONSOLE_ACCESS = `
CREATE TABLE console_access_tokens (
  id           TEXT PRIMARY KEY,
  -- Who the token is for, as it appears in the audit log (the principal's user).
  name         TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  role         TEXT NOT NULL CHECK (role IN ('admin', 'developer', 'viewer')),
  hash         TEXT NOT NULL UNIQUE CHECK (length(hash) = 64 AND hash NOT GLOB '*[^0-9a-f]*'),
  -- The first characters of the raw token, for people to tell tokens apart.
  prefix       TEXT NOT NULL CHECK (length(prefix) <= 16),
  created_by   TEXT NOT NULL,
  created_at   TEXT NOT NULL ${iso('created_at')},
  revoked_at   TEXT ${iso('revoked_at')},
  last_used_at TEXT ${iso('last_used_at')}
) STRICT;
`;
