/** The vault's checks and the errors it reports: roles, names, values, missing secrets, wrong keys. */
import { CoreError } from '../contracts';
import type { MasterKeyProvider } from './master-key';
import type { VaultMeta } from './vault-meta';
import type { SecretCaller, SecretRole, SecretScope } from './vault-types';

/** The largest value accepted (PEM bundles fit; whole files belong elsewhere). */
export const MAX_SECRET_BYTES = 64 * 1024;

const NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;

/** E2040 unless the caller has one of the allowed roles. */
export function requireRole(caller: SecretCaller, allowed: readonly SecretRole[], what: string): void {
  if (!allowed.includes(caller.role)) throw new CoreError('E2040', `The ${caller.role} role may not ${what}; ask an admin.`, { role: caller.role });
}

/** E2001 unless the name can be an environment variable. */
export function checkName(name: string): void {
  if (!NAME.test(name)) throw new CoreError('E2001', `"${name}" is not a valid secret name: it becomes an environment variable, so use letters, digits and "_", not starting with a digit (at most 128).`, { name });
}

/** E2001 for an empty or oversized value (the message never contains it). */
export function checkValue(value: string): void {
  if (value.length === 0) throw new CoreError('E2001', 'A secret value cannot be empty.');
  if (Buffer.byteLength(value, 'utf8') > MAX_SECRET_BYTES) throw new CoreError('E2001', `A secret value is limited to ${MAX_SECRET_BYTES} bytes.`);
}

/** E2031 for a secret missing in a scope, saying how to list what exists. */
export function notFound(name: string, scope: SecretScope): CoreError {
  return new CoreError('E2031', `No secret ${name} in ${scope.environment}${scope.agentId ? ` for agent ${scope.agentId}` : ' (global)'}. Run \`agentdock secret list\` to see what exists.`, { name, ...scope });
}

const KEY_SOURCES: Record<string, string> = {
  passphrase: 'the AGENTDOCK_MASTER_KEY passphrase',
  keychain: "the desktop app's key in the OS keychain",
};

/** E2032, saying which key sealed the vault, which one was offered, and what to do. */
export function wrongKeyError(meta: VaultMeta | undefined, provider: MasterKeyProvider): CoreError {
  const sealedWith = meta ? (KEY_SOURCES[meta.keySource] ?? `the "${meta.keySource}" key`) : 'another key';
  const using = KEY_SOURCES[provider.keyId] ?? `the "${provider.keyId}" key`;
  const what = meta?.keySource === provider.keyId && provider.keyId === 'passphrase' ? 'Set AGENTDOCK_MASTER_KEY to the passphrase this vault was created with' : `Use ${sealedWith}`;
  return new CoreError(
    'E2032',
    `The master key does not match this vault (sealed with ${sealedWith}; this process offered ${using}). ${what}, or point AGENTDOCK_HOME at another data directory. Nothing was decrypted or changed.`,
    { sealedWith: meta?.keySource, offered: provider.keyId, keyVersion: meta?.keyVersion },
  );
}
