import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { NONCE_BYTES, openSecret, SALT_BYTES, sealSecret, SecretIntegrityError } from './secret-cipher';
import type { SealedSecret, SecretIdentity } from './secret-cipher';

const key = randomBytes(32);
const identity: SecretIdentity = { id: 'sec_1', name: 'OPENAI_API_KEY', environment: 'prod', agentId: 'ag_1' };
const VALUE = 'sk-proj-fake-0123456789abcdefghijklmnopqrstuvwxyz';

const flip = (buffer: Buffer, index = 0): Buffer => {
  const copy = Buffer.from(buffer);
  copy[index] = (copy[index] ?? 0) ^ 0x01;
  return copy;
};

describe('secret cipher', () => {
  it('round-trips a value, unicode included', () => {
    expect(openSecret(key, identity, sealSecret(key, identity, VALUE))).toBe(VALUE);
    expect(openSecret(key, identity, sealSecret(key, identity, 'pässwörd 🔑'))).toBe('pässwörd 🔑');
  });

  it('uses a fresh 16-byte salt and 12-byte nonce every time, and never contains the plaintext', () => {
    const sealed = Array.from({ length: 50 }, () => sealSecret(key, identity, VALUE));
    expect(new Set(sealed.map((each) => each.salt.toString('hex'))).size).toBe(50);
    expect(new Set(sealed.map((each) => each.nonce.toString('hex'))).size).toBe(50);
    for (const each of sealed) {
      expect(each.salt).toHaveLength(SALT_BYTES);
      expect(each.nonce).toHaveLength(NONCE_BYTES);
      expect(each.ciphertext).toHaveLength(Buffer.byteLength(VALUE) + 16);
      expect(each.ciphertext.includes(VALUE)).toBe(false);
    }
  });

  it('refuses an altered ciphertext, tag, nonce or salt, and a wrong key', () => {
    const sealed = sealSecret(key, identity, VALUE);
    const tampered: SealedSecret[] = [
      { ...sealed, ciphertext: flip(sealed.ciphertext) },
      { ...sealed, ciphertext: flip(sealed.ciphertext, sealed.ciphertext.length - 1) },
      { ...sealed, ciphertext: sealed.ciphertext.subarray(0, sealed.ciphertext.length - 1) },
      { ...sealed, nonce: flip(sealed.nonce) },
      { ...sealed, salt: flip(sealed.salt) },
    ];
    for (const each of tampered) expect(() => openSecret(key, identity, each)).toThrow(SecretIntegrityError);
    expect(() => openSecret(randomBytes(32), identity, sealed)).toThrow(SecretIntegrityError);
  });

  it('binds the ciphertext to the secret identity: moved to another row, it does not decrypt', () => {
    const sealed = sealSecret(key, identity, VALUE);
    for (const other of [{ ...identity, id: 'sec_2' }, { ...identity, name: 'ANTHROPIC_API_KEY' }, { ...identity, environment: 'dev' }, { ...identity, agentId: 'ag_2' }, { ...identity, agentId: null }]) {
      expect(() => openSecret(key, other, sealed)).toThrow(SecretIntegrityError);
    }
  });
});
