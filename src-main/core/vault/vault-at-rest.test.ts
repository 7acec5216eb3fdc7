// What the vault leaves on disk: no plaintext in the database file or its WAL, nothing decrypted
// or changed with a wrong master key, and master-key rotation that is all or nothing.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AgentsRepository } from '../store/agents-repository';
import { tempDatabase } from '../store/test-support';
import type { TempDatabase } from '../store/test-support';
import { newPassphraseKeyProvider, passphraseKeyProviderFromEnv } from './env-key-provider';
import { generateMasterKey, StaticKeyProvider } from './master-key';
import type { MasterKeyProvider } from './master-key';
import { Vault } from './vault';
import type { SecretCaller } from './vault';

let temp: TempDatabase;
let agentId: string;
const admin: SecretCaller = { actor: 'ann', role: 'admin' };

beforeEach(() => {
  temp = tempDatabase();
  agentId = new AgentsRepository(temp.db).create('lead_gen').id;
});
afterEach(() => temp.cleanup());

/** Distinctive values: if any byte sequence of them shows up on disk, the test sees it. */
const distinct = (label: string): string => `PLAINTEXT-${label}-${randomBytes(12).toString('hex')}`;

/** Every stored byte of the secrets and the vault metadata, to compare before and after. */
const snapshot = (): string =>
  JSON.stringify({
    secrets: temp.db.sql.prepare('SELECT * FROM secrets ORDER BY id').all(),
    meta: temp.db.sql.prepare('SELECT * FROM vault_meta').all(),
  });

async function fill(vault: Vault): Promise<Record<string, string>> {
  const values = { A_GLOBAL: distinct('a'), B_AGENT: distinct('b'), C_DELETED: distinct('c') };
  await vault.set('A_GLOBAL', values.A_GLOBAL, { environment: 'prod', ...admin });
  await vault.set('B_AGENT', values.B_AGENT, { environment: 'prod', agentId, ...admin });
  await vault.set('C_DELETED', values.C_DELETED, { environment: 'dev', ...admin });
  await vault.delete('C_DELETED', { environment: 'dev', ...admin });
  return values;
}

function captureOutput(): { text: () => string; restore: () => void } {
  const chunks: string[] = [];
  const originals = [process.stdout.write, process.stderr.write] as const;
  const capture = (chunk: unknown): boolean => (chunks.push(String(chunk)), true);
  process.stdout.write = capture as typeof process.stdout.write;
  process.stderr.write = capture as typeof process.stderr.write;
  return {
    text: () => chunks.join(''),
    restore: () => {
      [process.stdout.write, process.stderr.write] = originals;
    },
  };
}

describe('plaintext at rest', () => {
  it('never reaches the database file, its WAL, the audit trail, the output or error messages', async () => {
    const output = captureOutput();
    const values: string[] = [];
    let errors = '';
    try {
      const vault = new Vault(temp.db, newPassphraseKeyProvider('a passphrase for this test'));
      values.push(...Object.values(await fill(vault)));
      const rotated = distinct('rotated');
      values.push(rotated);
      await vault.rotate('A_GLOBAL', rotated, { environment: 'prod', ...admin });
      await vault.get('A_GLOBAL', { environment: 'prod', ...admin });
      await vault.list({ actor: 'vic', role: 'viewer' });
      await vault.resolveForRuntime(agentId, 'prod');
      await vault.rotateMasterKey(new StaticKeyProvider(generateMasterKey()), admin);
      // Failure paths carry messages; none may carry a value.
      temp.db.sql.prepare("UPDATE secrets SET ciphertext = zeroblob(40) WHERE name = 'B_AGENT'").run();
      errors += String(await vault.resolveForRuntime(agentId, 'prod').catch((error: Error) => error.message));
      errors += String(await vault.get('B_AGENT', { environment: 'prod', agentId, ...admin }).catch((error: Error) => error.message));
    } finally {
      output.restore();
    }
    const wal = readFileSync(`${temp.file}-wal`);
    expect(wal.length).toBeGreaterThan(0);
    temp.db.checkpoint();
    const file = readFileSync(temp.file);
    const audit = JSON.stringify(temp.db.sql.prepare('SELECT * FROM secret_audit_log').all());
    expect(errors).toContain('cannot be decrypted');
    for (const value of values) {
      const secretPart = value.slice('PLAINTEXT-x-'.length);
      for (const haystack of [wal, file]) {
        expect(haystack.includes(value)).toBe(false);
        expect(haystack.includes(secretPart)).toBe(false);
        expect(haystack.includes(Buffer.from(value, 'utf16le'))).toBe(false);
      }
      expect(audit).not.toContain(secretPart);
      expect(output.text()).not.toContain(secretPart);
      expect(errors).not.toContain(secretPart);
    }
  });
});

describe('a wrong master key', () => {
  it('is refused with E2032 before anything is decrypted, and every row stays as it was', async () => {
    const right = new Vault(temp.db, new StaticKeyProvider(generateMasterKey()));
    await fill(right);
    const before = snapshot();
    const wrong = new Vault(temp.db, new StaticKeyProvider(generateMasterKey()));
    const attempts: (() => Promise<unknown>)[] = [
      () => wrong.get('A_GLOBAL', { environment: 'prod', ...admin }),
      () => wrong.list({ ...admin }),
      () => wrong.set('A_GLOBAL', 'overwrite-attempt-000', { environment: 'prod', ...admin }),
      () => wrong.set('NEW_ONE', 'new-under-wrong-key-0', { environment: 'prod', ...admin }),
      () => wrong.delete('A_GLOBAL', { environment: 'prod', ...admin }),
      () => wrong.restore('C_DELETED', { environment: 'dev', ...admin }),
      () => wrong.resolveForRuntime(agentId, 'prod'),
      () => wrong.rotateMasterKey(new StaticKeyProvider(generateMasterKey()), admin),
    ];
    for (const attempt of attempts) {
      await expect(attempt()).rejects.toMatchObject({ code: 'E2032', message: expect.stringContaining('Nothing was decrypted or changed') });
    }
    expect(snapshot()).toBe(before);
    expect(right.auditTrail({ success: false })).toHaveLength(attempts.length);
    expect((await right.get('A_GLOBAL', { environment: 'prod', ...admin })).value).toMatch(/^PLAINTEXT-a-/);
  });

  it('tells a passphrase user to use the passphrase the vault was created with', async () => {
    const env = { AGENTDOCK_MASTER_KEY: 'the original passphrase' };
    await new Vault(temp.db, passphraseKeyProviderFromEnv(temp.db, env)).set('TOKEN', 'token-value-000000', { environment: 'dev', ...admin });
    const before = snapshot();
    const wrong = new Vault(temp.db, passphraseKeyProviderFromEnv(temp.db, { AGENTDOCK_MASTER_KEY: 'a different passphrase' }));
    await expect(wrong.get('TOKEN', { environment: 'dev', ...admin })).rejects.toMatchObject({
      code: 'E2032',
      message: expect.stringContaining('Set AGENTDOCK_MASTER_KEY to the passphrase this vault was created with'),
    });
    const keychain = new Vault(temp.db, new StaticKeyProvider(generateMasterKey()));
    await expect(keychain.list({ ...admin })).rejects.toMatchObject({ code: 'E2032', message: expect.stringContaining('sealed with the AGENTDOCK_MASTER_KEY passphrase') });
    expect(snapshot()).toBe(before);
  });
});

describe('master-key rotation', () => {
  it('re-encrypts every secret, deleted ones too, under the new key with fresh salts and nonces', async () => {
    const oldProvider = new StaticKeyProvider(generateMasterKey());
    const vault = new Vault(temp.db, oldProvider);
    const values = await fill(vault);
    const oldRows = temp.db.sql.prepare('SELECT id, salt, nonce FROM secrets ORDER BY id').all() as { id: string; salt: Buffer; nonce: Buffer }[];
    const newProvider: MasterKeyProvider = newPassphraseKeyProvider('the new vault passphrase');
    expect(await vault.rotateMasterKey(newProvider, admin)).toEqual({ reencrypted: 3, keyVersion: 2 });
    const newRows = temp.db.sql.prepare('SELECT id, salt, nonce, key_version FROM secrets ORDER BY id').all() as { id: string; salt: Buffer; nonce: Buffer; key_version: number }[];
    newRows.forEach((row, index) => {
      expect(row.key_version).toBe(2);
      expect(row.salt.equals(oldRows[index]!.salt)).toBe(false);
      expect(row.nonce.equals(oldRows[index]!.nonce)).toBe(false);
    });
    expect(temp.db.sql.prepare('SELECT key_version, key_source, kdf_algorithm, kdf_memory_kib, kdf_iterations, kdf_parallelism FROM vault_meta').get()).toEqual({
      key_version: 2,
      key_source: 'passphrase',
      kdf_algorithm: 'argon2id',
      kdf_memory_kib: 19456,
      kdf_iterations: 2,
      kdf_parallelism: 1,
    });
    // A fresh process with the new passphrase reads everything; the old key no longer opens the vault.
    const reopened = new Vault(temp.db, passphraseKeyProviderFromEnv(temp.db, { AGENTDOCK_MASTER_KEY: 'the new vault passphrase' }));
    expect(await reopened.resolveForRuntime(agentId, 'prod')).toEqual({ A_GLOBAL: values.A_GLOBAL, B_AGENT: values.B_AGENT });
    await reopened.restore('C_DELETED', { environment: 'dev', ...admin });
    expect((await reopened.get('C_DELETED', { environment: 'dev', ...admin })).value).toBe(values.C_DELETED);
    await expect(new Vault(temp.db, oldProvider).list({ ...admin })).rejects.toMatchObject({ code: 'E2032' });
    expect(vault.auditTrail({ operation: 'ROTATE_MASTER_KEY' })).toMatchObject([{ success: true, actor: 'ann' }]);
  });

  it('changes nothing when it fails part-way', async () => {
    const oldProvider = new StaticKeyProvider(generateMasterKey());
    const vault = new Vault(temp.db, oldProvider);
    const values = await fill(vault);
    await vault.set('Z_LAST', distinct('z'), { environment: 'prod', ...admin });
    // The last row in rotation order no longer decrypts: the rows before it were already
    // re-encrypted inside the transaction when it fails.
    temp.db.sql.prepare("UPDATE secrets SET ciphertext = zeroblob(48) WHERE name = 'Z_LAST'").run();
    const before = snapshot();
    await expect(vault.rotateMasterKey(new StaticKeyProvider(generateMasterKey()), admin)).rejects.toMatchObject({ code: 'E2050', message: expect.stringContaining('Z_LAST') });
    expect(snapshot()).toBe(before);
    expect(vault.auditTrail({ operation: 'ROTATE_MASTER_KEY' })).toMatchObject([{ success: false }]);
    // The old key is still the key.
    const fresh = new Vault(temp.db, oldProvider);
    expect((await fresh.get('A_GLOBAL', { environment: 'prod', ...admin })).value).toBe(values.A_GLOBAL);
  });
});
