/** The vault's public types: who asks, which secret, and what comes back. */
import type { Environment } from '../store/environments';
import type { SecretRow } from './secret-rows';

export type SecretRole = 'admin' | 'viewer' | 'agent';

/** Who is asking, for the role check and the audit row. */
export interface SecretCaller {
  actor: string;
  role: SecretRole;
}

/** Which secret: a name in an environment, global or for one agent (by agent id). */
export interface SecretScope {
  environment: Environment;
  agentId?: string;
}

/** A secret's metadata and masked value. */
export interface SecretInfo {
  id: string;
  name: string;
  environment: Environment;
  agentId?: string;
  keyVersion: number;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  deletedAt?: string;
  masked: string;
  /** Set when the row no longer decrypts (altered in the database): set the secret again. */
  unreadable?: true;
}

/** get(): the value — in full for admin and agent, masked for viewer (`revealed: false`). */
export interface SecretRead extends SecretInfo {
  value: string;
  revealed: boolean;
}

/** A row's metadata with the given masked value. */
export function toInfo(row: SecretRow, masked: string): SecretInfo {
  return {
    id: row.id,
    name: row.name,
    environment: row.environment,
    ...(row.agent_id !== null ? { agentId: row.agent_id } : {}),
    keyVersion: row.key_version,
    createdBy: row.created_by,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    ...(row.deleted_at !== null ? { deletedAt: row.deleted_at } : {}),
    masked,
  };
}

