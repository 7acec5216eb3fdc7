/** Passphrase key providers bound to a vault's stored KDF parameters (CLI and serve mode). */
import { CoreError } from '../contracts';
import type { StoreDatabase } from '../store/database';
import { EnvPassphraseKeyProvider, MASTER_KEY_ENV, MIN_NEW_PASSPHRASE_LENGTH, newKdfParams, passphraseFromEnv } from './master-key';
import { readVaultMeta } from './vault-meta';

/**
 * The provider for AGENTDOCK_MASTER_KEY: the vault's stored salt and parameters, or fresh ones
 * for a vault that holds nothing yet. E2030 when the variable is missing, or too short to seal a
 * new vault with.
 */
export function passphraseKeyProviderFromEnv(db: StoreDatabase, env: Readonly<Record<string, string | undefined>>): EnvPassphraseKeyProvider {
  const passphrase = passphraseFromEnv(env);
  const stored = readVaultMeta(db)?.kdf;
  if (stored) return new EnvPassphraseKeyProvider(passphrase, stored);
  return newPassphraseKeyProvider(passphrase);
}

/** A provider with a fresh salt: a new vault, or the target of a master-key rotation. */
export function newPassphraseKeyProvider(passphrase: string): EnvPassphraseKeyProvider {
  if (passphrase.length < MIN_NEW_PASSPHRASE_LENGTH) {
    throw new CoreError('E2030', `A new vault passphrase (${MASTER_KEY_ENV}) must be at least ${MIN_NEW_PASSPHRASE_LENGTH} characters; a long random one is best.`, { variable: MASTER_KEY_ENV });
  }
  return new EnvPassphraseKeyProvider(passphrase, newKdfParams());
}
