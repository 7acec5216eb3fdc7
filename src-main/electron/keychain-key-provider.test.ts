// The app's vault key: made once, kept encrypted by the keychain, the same key on every start; a
// keychain that cannot decrypt it is E2032 and nothing is replaced. Electron's safeStorage cannot
// run here, so the keychain is an AES-GCM encryptor with its own key: what safeStorage does.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../core/store';
import type { StoreDatabase } from '../core/store';
import { Vault } from '../core/vault';
import { appKeyProvider, KEYCHAIN_KEY_FILE, loadOrCreateKeychainKey } from './keychain-key-provider';
import type { KeychainEncryption } from './keychain-key-provider';

function keychain(key = randomBytes(32), backend = 'gnome_libsecret'): KeychainEncryption {
  return {
    isEncryptionAvailable: () => true,
    getSelectedStorageBackend: () => backend,
    encryptString(text) {
      const nonce = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, nonce);
      return Buffer.concat([nonce, cipher.update(text, 'utf8'), cipher.final(), cipher.getAuthTag()]);
    },
    decryptString(blob) {
      const decipher = createDecipheriv('aes-256-gcm', key, blob.subarray(0, 12));
      decipher.setAuthTag(blob.subarray(blob.length - 16));
      return Buffer.concat([decipher.update(blob.subarray(12, blob.length - 16)), decipher.final()]).toString('utf8');
    },
  };
}

let dir: string;
let db: StoreDatabase;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'agentdock-keychain-'));
  db = openDatabase(path.join(dir, 'agentdock.db'));
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the keychain-protected vault key', () => {
  it('is made on first run, stored only encrypted (0600), and the same on the next start', async () => {
    const osKeychain = keychain();
    const first = await loadOrCreateKeychainKey(dir, osKeychain);
    const file = path.join(dir, KEYCHAIN_KEY_FILE);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file).includes(Buffer.from(first.toString('base64')))).toBe(false);
    expect((await loadOrCreateKeychainKey(dir, osKeychain)).equals(first)).toBe(true);
  });

  it('another keychain cannot open it: E2032, and the key file is left as it was', async () => {
    await loadOrCreateKeychainKey(dir, keychain());
    const before = readFileSync(path.join(dir, KEYCHAIN_KEY_FILE));
    await expect(loadOrCreateKeychainKey(dir, keychain())).rejects.toMatchObject({ code: 'E2032' });
    expect(readFileSync(path.join(dir, KEYCHAIN_KEY_FILE)).equals(before)).toBe(true);
  });

  it('refuses a Linux safeStorage without a keyring instead of pretending to protect the key', async () => {
    await expect(loadOrCreateKeychainKey(dir, keychain(randomBytes(32), 'basic_text'))).rejects.toMatchObject({ code: 'E2030', message: expect.stringMatching(/No keyring/) });
  });
});

describe('which key the app uses', () => {
  it('the keychain key by default: secrets written by one app start are read by the next', async () => {
    const osKeychain = keychain();
    const vault = new Vault(db, await appKeyProvider(db, dir, osKeychain, {}));
    await vault.set('OPENAI_API_KEY', 'sk-app-secret-value-0123456789', { environment: 'dev', actor: 'ada', role: 'admin' });
    const reopened = new Vault(db, await appKeyProvider(db, dir, osKeychain, {}));
    expect((await reopened.get('OPENAI_API_KEY', { environment: 'dev', actor: 'ada', role: 'admin' })).value).toBe('sk-app-secret-value-0123456789');
  });

  it('the passphrase when the CLI sealed the vault, so the app and the CLI open the same secrets', async () => {
    const env = { AGENTDOCK_MASTER_KEY: 'shared-passphrase-0123456789' };
    const { passphraseKeyProviderFromEnv } = await import('../core/vault');
    const cli = new Vault(db, passphraseKeyProviderFromEnv(db, env));
    await cli.set('TOKEN', 'value-from-the-cli-0123456789', { environment: 'dev', actor: 'ci', role: 'admin' });
    const app = new Vault(db, await appKeyProvider(db, dir, keychain(), env));
    expect((await app.get('TOKEN', { environment: 'dev', actor: 'ada', role: 'admin' })).value).toBe('value-from-the-cli-0123456789');
    // Sealed with a passphrase but the app started without it: locked (E2030), never a new keychain key.
    const locked = await appKeyProvider(db, dir, keychain(), {}).catch((error: unknown) => error);
    expect(locked).toMatchObject({ code: 'E2030' });
  });
});
