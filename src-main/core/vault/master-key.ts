/**
 * Where the vault's 32-byte master key comes from, behind one interface so the core runs without
 * Electron: the desktop app hands over a random key kept in the OS keychain through
 * `safeStorage` (a StaticKeyProvider built by src-main/electron), the CLI and serve mode derive
 * it from the AGENTDOCK_MASTER_KEY passphrase with Argon2id (seed 002 #29: m=19456 KiB, t=2,
 * p=1, the OWASP minimum) and a per-vault random salt kept in `vault_meta`.
 */
import { randomBytes } from 'node:crypto';
import { argon2id } from 'hash-wasm';
import { CoreError } from '../contracts';
import { MASTER_KEY_BYTES, SALT_BYTES } from './secret-cipher';

/** How a passphrase becomes a key; stored with the vault so it can be derived again. */
export interface KdfParams {
  algorithm: 'argon2id';
  salt: Buffer;
  memoryKiB: number;
  iterations: number;
  parallelism: number;
}

/** Supplies the master key. */
export interface MasterKeyProvider {
  /** Where the key comes from ('passphrase', 'keychain'…): stored with the vault, used in error messages. */
  readonly keyId: string;
  /** Set when the key is derived from a passphrase: the parameters the vault must store. */
  readonly kdf?: KdfParams;
  /** The 32-byte key. Callers must not keep copies longer than they need. */
  getKey(): Promise<Buffer>;
}

/** Seed 002 #29 / OWASP: Argon2id, 19 MiB, 2 passes, 1 lane. */
export const ARGON2ID_DEFAULTS = Object.freeze({ memoryKiB: 19_456, iterations: 2, parallelism: 1 });

/** The variable the CLI and serve mode read the passphrase from. */
export const MASTER_KEY_ENV = 'AGENTDOCK_MASTER_KEY';

/** A new vault's passphrase must be at least this long; an existing vault opens with whatever it was sealed with. */
export const MIN_NEW_PASSPHRASE_LENGTH = 12;

/** Fresh KDF parameters: the defaults and a new random salt. */
export function newKdfParams(): KdfParams {
  return { algorithm: 'argon2id', salt: randomBytes(SALT_BYTES), ...ARGON2ID_DEFAULTS };
}

/** Derives the master key from a passphrase with Argon2id. */
export class EnvPassphraseKeyProvider implements MasterKeyProvider {
  readonly keyId = 'passphrase';
  private derived: Promise<Buffer> | undefined;

  constructor(
    private readonly passphrase: string,
    readonly kdf: KdfParams,
  ) {
    if (passphrase.length === 0) throw lockedError();
  }

  getKey(): Promise<Buffer> {
    // Argon2id takes tens of milliseconds by design: derive once per provider.
    this.derived ??= argon2id({
      password: this.passphrase,
      salt: this.kdf.salt,
      parallelism: this.kdf.parallelism,
      iterations: this.kdf.iterations,
      memorySize: this.kdf.memoryKiB,
      hashLength: MASTER_KEY_BYTES,
      outputType: 'binary',
    }).then((bytes) => Buffer.from(bytes));
    return this.derived.then((key) => Buffer.from(key));
  }
}

/** A raw 32-byte key (the desktop app's keychain key, or tests). */
export class StaticKeyProvider implements MasterKeyProvider {
  private readonly key: Buffer;

  constructor(
    key: Buffer,
    readonly keyId: string = 'keychain',
  ) {
    if (key.length !== MASTER_KEY_BYTES) throw new CoreError('E2030', `The master key must be ${MASTER_KEY_BYTES} bytes, got ${key.length}.`);
    this.key = Buffer.from(key);
  }

  getKey(): Promise<Buffer> {
    return Promise.resolve(Buffer.from(this.key));
  }
}

/** A new random master key (what the desktop app stores in the keychain on first run). */
export function generateMasterKey(): Buffer {
  return randomBytes(MASTER_KEY_BYTES);
}

/** The passphrase from the environment, or E2030 saying how to provide it. */
export function passphraseFromEnv(env: Readonly<Record<string, string | undefined>>): string {
  const passphrase = env[MASTER_KEY_ENV];
  if (passphrase === undefined || passphrase.length === 0) throw lockedError();
  return passphrase;
}

function lockedError(): CoreError {
  return new CoreError(
    'E2030',
    `The secrets vault is locked: set ${MASTER_KEY_ENV} to the vault passphrase (for a new vault, choose one of at least ${MIN_NEW_PASSPHRASE_LENGTH} characters and keep it safe: without it the secrets cannot be recovered).`,
    { variable: MASTER_KEY_ENV },
  );
}
