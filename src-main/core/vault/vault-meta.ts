/**
 * The vault's one `vault_meta` row: the master key's version and source, the KDF parameters of a
 * passphrase-derived key, and a key check value — AES-256-GCM of a constant under the master key
 * — that tells a wrong key apart before any secret is touched.
 */
import { randomBytes } from 'node:crypto';
import type { StoreDatabase } from '../store/database';
import type { KdfParams } from './master-key';
import { aesGcmOpen, aesGcmSeal, NONCE_BYTES, SecretIntegrityError } from './secret-cipher';

export interface VaultMeta {
  keyVersion: number;
  keySource: string;
  kdf?: KdfParams;
  checkNonce: Buffer;
  checkValue: Buffer;
  createdAt: string;
  rotatedAt?: string;
}

interface MetaRow {
  key_version: number;
  key_source: string;
  kdf_algorithm: 'argon2id' | null;
  kdf_salt: Buffer | null;
  kdf_memory_kib: number | null;
  kdf_iterations: number | null;
  kdf_parallelism: number | null;
  check_nonce: Buffer;
  check_value: Buffer;
  created_at: string;
  rotated_at: string | null;
}

const CHECK_PLAINTEXT = 'agentdock vault key check v1';

/** The vault's metadata, or undefined for a vault that has never held a secret. */
export function readVaultMeta(db: StoreDatabase): VaultMeta | undefined {
  const row = db.sql.prepare('SELECT * FROM vault_meta WHERE id = 1').get() as MetaRow | undefined;
  if (!row) return undefined;
  return {
    keyVersion: row.key_version,
    keySource: row.key_source,
    ...(row.kdf_algorithm !== null && row.kdf_salt !== null
      ? { kdf: { algorithm: row.kdf_algorithm, salt: row.kdf_salt, memoryKiB: row.kdf_memory_kib ?? 0, iterations: row.kdf_iterations ?? 0, parallelism: row.kdf_parallelism ?? 0 } }
      : {}),
    checkNonce: row.check_nonce,
    checkValue: row.check_value,
    createdAt: row.created_at,
    ...(row.rotated_at !== null ? { rotatedAt: row.rotated_at } : {}),
  };
}

/** Writes the metadata for a key (first seal or rotation), with a fresh check value. */
export function writeVaultMeta(db: StoreDatabase, key: Buffer, meta: { keyVersion: number; keySource: string; kdf?: KdfParams; createdAt: string; rotatedAt?: string }): void {
  const checkNonce = randomBytes(NONCE_BYTES);
  const checkValue = aesGcmSeal(key, checkNonce, Buffer.from(CHECK_PLAINTEXT, 'utf8'), checkAad(meta.keyVersion));
  db.sql
    .prepare(
      `INSERT INTO vault_meta (id, key_version, key_source, kdf_algorithm, kdf_salt, kdf_memory_kib, kdf_iterations, kdf_parallelism, check_nonce, check_value, created_at, rotated_at)
       VALUES (1, @key_version, @key_source, @kdf_algorithm, @kdf_salt, @kdf_memory_kib, @kdf_iterations, @kdf_parallelism, @check_nonce, @check_value, @created_at, @rotated_at)
       ON CONFLICT (id) DO UPDATE SET key_version = excluded.key_version, key_source = excluded.key_source, kdf_algorithm = excluded.kdf_algorithm,
         kdf_salt = excluded.kdf_salt, kdf_memory_kib = excluded.kdf_memory_kib, kdf_iterations = excluded.kdf_iterations,
         kdf_parallelism = excluded.kdf_parallelism, check_nonce = excluded.check_nonce, check_value = excluded.check_value, rotated_at = excluded.rotated_at`,
    )
    .run({
      key_version: meta.keyVersion,
      key_source: meta.keySource,
      kdf_algorithm: meta.kdf?.algorithm ?? null,
      kdf_salt: meta.kdf?.salt ?? null,
      kdf_memory_kib: meta.kdf?.memoryKiB ?? null,
      kdf_iterations: meta.kdf?.iterations ?? null,
      kdf_parallelism: meta.kdf?.parallelism ?? null,
      check_nonce: checkNonce,
      check_value: checkValue,
      created_at: meta.createdAt,
      rotated_at: meta.rotatedAt ?? null,
    });
}

/** True when `key` is the key the vault was sealed with. */
export function keyMatches(meta: VaultMeta, key: Buffer): boolean {
  try {
    aesGcmOpen(key, meta.checkNonce, meta.checkValue, checkAad(meta.keyVersion)).fill(0);
    return true;
  } catch (error) {
    if (error instanceof SecretIntegrityError) return false;
    throw error;
  }
}

function checkAad(keyVersion: number): Buffer {
  return Buffer.from(`agentdock-vault-check|${keyVersion}`, 'utf8');
}
