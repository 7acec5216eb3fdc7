/**
 * The desktop app's vault master key: 32 random bytes made on first run and kept encrypted by the
 * OS keychain through Electron `safeStorage` (Keychain on macOS, DPAPI on Windows, libsecret or
 * kwallet on Linux) in `<data dir>/vault-key.safe` (mode 0600). Only this user on this machine
 * can decrypt it; the file alone is useless elsewhere.
 *
 * Which key the app uses (one vault, two front ends): when AGENTDOCK_MASTER_KEY is set, or the
 * vault was already sealed with a passphrase (by the CLI or serve mode), the app uses the
 * passphrase like they do, so the app and the CLI open the same secrets. Otherwise the keychain
 * key; a CLI on that vault then gets E2032 saying the vault belongs to the keychain.
 *
 * On Linux without a keyring, safeStorage falls back to a hard-coded password ('basic_text');
 * the app refuses that rather than pretend the key is protected, and says to set a passphrase.
 */
import { existsSync } from 'node:fs';
import { chmod, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { CoreError } from '../core/contracts';
import { generateMasterKey, passphraseKeyProviderFromEnv, StaticKeyProvider } from '../core/vault';
import type { MasterKeyProvider } from '../core/vault';
import { MASTER_KEY_ENV } from '../core/vault/master-key';
import { readVaultMeta } from '../core/vault/vault-meta';
import type { StoreDatabase } from '../core/store';

/** The part of Electron's `safeStorage` this needs (the real one in the app; passed in so tests can run without Electron). */
export interface KeychainEncryption {
  isEncryptionAvailable(): boolean;
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
  /** Linux only: which secret store backs it ('basic_text' means none). */
  getSelectedStorageBackend?(): string;
}

/** Where the encrypted key lives. */
export const KEYCHAIN_KEY_FILE = 'vault-key.safe';

/** The app's key provider for a data dir: the passphrase when one is set or sealed the vault, else the keychain key. */
export async function appKeyProvider(
  db: StoreDatabase,
  dataDir: string,
  keychain: KeychainEncryption,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Promise<MasterKeyProvider> {
  const sealedWithPassphrase = readVaultMeta(db)?.kdf !== undefined;
  if (env[MASTER_KEY_ENV] || sealedWithPassphrase) return passphraseKeyProviderFromEnv(db, env);
  return new StaticKeyProvider(await loadOrCreateKeychainKey(dataDir, keychain), 'keychain');
}

/** The keychain-protected master key of a data dir, made on first use. */
export async function loadOrCreateKeychainKey(dataDir: string, keychain: KeychainEncryption): Promise<Buffer> {
  if (!keychain.isEncryptionAvailable()) {
    throw new CoreError('E2030', `The OS keychain is not available to protect the vault key. Set ${MASTER_KEY_ENV} to a passphrase of at least 12 characters and start AgentDock again.`);
  }
  if (keychain.getSelectedStorageBackend?.() === 'basic_text') {
    throw new CoreError('E2030', `No keyring (gnome-keyring or kwallet) is running, so the vault key could not be protected. Start one, or set ${MASTER_KEY_ENV} to a passphrase of at least 12 characters.`);
  }
  const file = path.join(dataDir, KEYCHAIN_KEY_FILE);
  if (existsSync(file)) {
    let text: string;
    try {
      text = keychain.decryptString(await readFile(file));
    } catch {
      throw new CoreError('E2032', `${file} cannot be decrypted by this user's keychain (another user, another machine, or a reset keyring). The secrets sealed with it cannot be opened; nothing was changed.`, { file });
    }
    const key = Buffer.from(text, 'base64');
    if (key.length !== 32) throw new CoreError('E2032', `${file} does not hold a vault key (${key.length} bytes); nothing was changed.`, { file });
    return key;
  }
  const key = generateMasterKey();
  // Written to a temp name and renamed: a crash leaves either no key file or a whole one.
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, keychain.encryptString(key.toString('base64')), { mode: 0o600 });
  await chmod(temp, 0o600);
  await rename(temp, file);
  return key;
}
