/** The secrets vault (ARCHITECTURE.md §4): AES-256-GCM secrets, master keys, masking. */
export * from './env-key-provider';
export * from './mask';
export * from './master-key';
export { openSecret, sealSecret, secretAad, SecretIntegrityError } from './secret-cipher';
export type { SealedSecret, SecretIdentity } from './secret-cipher';
export * from './vault';
export { readVaultMeta } from './vault-meta';
export type { VaultMeta } from './vault-meta';
