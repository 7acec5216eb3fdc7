/**
 * Sealing one secret: AES-256-GCM under a per-secret data key, HKDF-SHA-256(master key, the
 * secret's random 16-byte salt), with a random 12-byte nonce and the secret's identity
 * (`id|name|environment|agent`) as associated data. So a ciphertext copied onto another row —
 * another name, environment or agent — fails authentication instead of decrypting there, and a
 * per-secret key means no two secrets ever share a (key, nonce) pair even if nonces repeated.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

export const MASTER_KEY_BYTES = 32;
export const SALT_BYTES = 16;
export const NONCE_BYTES = 12;
export const TAG_BYTES = 16;

/** What a secret is bound to; changing any of it makes the ciphertext undecryptable. */
export interface SecretIdentity {
  id: string;
  name: string;
  environment: string;
  /** Absent or null for a global secret. */
  agentId?: string | null;
}

/** A sealed value as stored: ciphertext with the GCM tag appended, its nonce and salt. */
export interface SealedSecret {
  ciphertext: Buffer;
  nonce: Buffer;
  salt: Buffer;
}

/** Authentication failed: wrong key, or the ciphertext, nonce, salt or identity was altered. */
export class SecretIntegrityError extends Error {
  constructor() {
    super('the sealed secret failed authentication (wrong key, or altered ciphertext, nonce, salt or identity)');
    this.name = 'SecretIntegrityError';
  }
}

/** The associated data for a secret (versioned, so the format can change without ambiguity). */
export function secretAad(identity: SecretIdentity): Buffer {
  return Buffer.from(`agentdock-secret-v1|${identity.id}|${identity.name}|${identity.environment}|${identity.agentId ?? ''}`, 'utf8');
}

/** The per-secret data key. */
export function deriveDataKey(masterKey: Buffer, salt: Buffer): Buffer {
  if (masterKey.length !== MASTER_KEY_BYTES) throw new RangeError(`the master key must be ${MASTER_KEY_BYTES} bytes`);
  return Buffer.from(hkdfSync('sha256', masterKey, salt, 'agentdock secret data key v1', MASTER_KEY_BYTES));
}

/** Seals `plaintext` for `identity` with a fresh salt and nonce. */
export function sealSecret(masterKey: Buffer, identity: SecretIdentity, plaintext: string): SealedSecret {
  const salt = randomBytes(SALT_BYTES);
  const nonce = randomBytes(NONCE_BYTES);
  const ciphertext = aesGcmSeal(deriveDataKey(masterKey, salt), nonce, Buffer.from(plaintext, 'utf8'), secretAad(identity));
  return { ciphertext, nonce, salt };
}

/** Opens a sealed secret; SecretIntegrityError when anything does not match. */
export function openSecret(masterKey: Buffer, identity: SecretIdentity, sealed: SealedSecret): string {
  const plaintext = aesGcmOpen(deriveDataKey(masterKey, sealed.salt), sealed.nonce, sealed.ciphertext, secretAad(identity));
  const text = plaintext.toString('utf8');
  plaintext.fill(0);
  return text;
}

/** AES-256-GCM encryption; returns ciphertext ‖ 16-byte tag. Zeroes `plaintext` afterwards. */
export function aesGcmSeal(key: Buffer, nonce: Buffer, plaintext: Buffer, aad: Buffer): Buffer {
  const cipher = createCipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad);
  const sealed = Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
  plaintext.fill(0);
  return sealed;
}

/** AES-256-GCM decryption of ciphertext ‖ tag; SecretIntegrityError if authentication fails. */
export function aesGcmOpen(key: Buffer, nonce: Buffer, sealed: Buffer, aad: Buffer): Buffer {
  if (sealed.length < TAG_BYTES || nonce.length !== NONCE_BYTES) throw new SecretIntegrityError();
  const decipher = createDecipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_BYTES });
  decipher.setAAD(aad);
  decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
  // GCM hands out plaintext before final() has checked the tag: it is wiped if the check fails.
  const unverified = decipher.update(sealed.subarray(0, sealed.length - TAG_BYTES));
  try {
    const plaintext = Buffer.concat([unverified, decipher.final()]);
    unverified.fill(0);
    return plaintext;
  } catch {
    unverified.fill(0);
    throw new SecretIntegrityError();
  }
}
