import { afterEach, describe, expect, it } from 'vitest';
import { tempDatabase } from '../store/test-support';
import type { TempDatabase } from '../store/test-support';
import { passphraseKeyProviderFromEnv } from './env-key-provider';
import { ARGON2ID_DEFAULTS, EnvPassphraseKeyProvider, generateMasterKey, passphraseFromEnv, StaticKeyProvider } from './master-key';
import { Vault } from './vault';

let temp: TempDatabase | undefined;
afterEach(() => {
  temp?.cleanup();
  temp = undefined;
});

describe('master key providers', () => {
  it('derives with Argon2id m=19456 KiB, t=2, p=1 (known answer, so existing vaults keep opening)', async () => {
    expect(ARGON2ID_DEFAULTS).toEqual({ memoryKiB: 19456, iterations: 2, parallelism: 1 });
    const provider = new EnvPassphraseKeyProvider('correct horse battery staple', { algorithm: 'argon2id', salt: Buffer.alloc(16, 7), ...ARGON2ID_DEFAULTS });
    const key = await provider.getKey();
    expect(key.toString('hex')).toBe('799f12b9e17710824482d829835acb69f5a9355bf774c4f07342823b11b90928');
    // Callers get copies: wiping one does not change the next.
    key.fill(0);
    expect((await provider.getKey()).toString('hex')).toBe('799f12b9e17710824482d829835acb69f5a9355bf774c4f07342823b11b90928');
  });

  it('says how to unlock when AGENTDOCK_MASTER_KEY is missing', () => {
    for (const env of [{}, { AGENTDOCK_MASTER_KEY: '' }]) {
      expect(() => passphraseFromEnv(env)).toThrow(expect.objectContaining({ code: 'E2030', message: expect.stringContaining('set AGENTDOCK_MASTER_KEY') }));
    }
    expect(passphraseFromEnv({ AGENTDOCK_MASTER_KEY: 'a passphrase' })).toBe('a passphrase');
  });

  it('takes a raw 32-byte key and nothing else', async () => {
    const raw = generateMasterKey();
    expect((await new StaticKeyProvider(raw).getKey()).equals(raw)).toBe(true);
    expect(new StaticKeyProvider(raw).keyId).toBe('keychain');
    expect(() => new StaticKeyProvider(Buffer.alloc(16))).toThrow(expect.objectContaining({ code: 'E2030' }));
  });

  it("stores the vault's KDF parameters and reuses its salt on the next open", async () => {
    temp = tempDatabase();
    const env = { AGENTDOCK_MASTER_KEY: 'a long enough passphrase' };
    const first = passphraseKeyProviderFromEnv(temp.db, env);
    await new Vault(temp.db, first).set('TOKEN', 'value-value-value', { environment: 'dev', actor: 'ann', role: 'admin' });
    const row = temp.db.sql.prepare('SELECT kdf_algorithm, kdf_salt, kdf_memory_kib, kdf_iterations, kdf_parallelism, key_source FROM vault_meta').get() as Record<string, unknown>;
    expect(row).toMatchObject({ kdf_algorithm: 'argon2id', kdf_memory_kib: 19456, kdf_iterations: 2, kdf_parallelism: 1, key_source: 'passphrase' });
    expect((row.kdf_salt as Buffer).equals(first.kdf.salt)).toBe(true);
    const second = passphraseKeyProviderFromEnv(temp.reopen(), env);
    expect(second.kdf.salt.equals(first.kdf.salt)).toBe(true);
    expect((await second.getKey()).equals(await first.getKey())).toBe(true);
  });

  it('refuses a short passphrase for a new vault', () => {
    temp = tempDatabase();
    expect(() => passphraseKeyProviderFromEnv(temp!.db, { AGENTDOCK_MASTER_KEY: 'short' })).toThrow(expect.objectContaining({ code: 'E2030', message: expect.stringContaining('at least 12') }));
  });
});
