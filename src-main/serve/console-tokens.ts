/**
 * Who a session token belongs to. The local user's admin token lives only in this process's
 * memory (made at start, printed once in the sign-in URL); everyone else signs in with a console
 * access token from the store (`agentdock serve token create`), which is looked up on every
 * connection and re-checked while the socket is open, so a revocation takes effect at once.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { ConsolePrincipal } from '../core/console/console-session';
import type { ConsoleAccessRepository } from '../core/store';

/** A signed-in socket's identity; `accessTokenId` is set for store-issued tokens (re-checked while open). */
export interface Authenticated {
  principal: ConsolePrincipal;
  accessTokenId?: string;
}

export interface ConsoleTokensOptions {
  /** The local user (the OS user), signed in as admin. */
  adminUser: string;
  adminToken: string;
  access?: ConsoleAccessRepository;
}

const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

/** Checks session tokens against the admin token and the store's console access tokens. */
export class ConsoleTokens {
  private readonly adminDigest: Buffer;

  constructor(private readonly options: ConsoleTokensOptions) {
    this.adminDigest = digest(options.adminToken);
  }

  /** The principal a raw token signs in, or undefined for a wrong, revoked or malformed token. */
  authenticate(raw: string): Authenticated | undefined {
    // Digests have a fixed length, so the comparison takes the same time whatever was sent.
    if (timingSafeEqual(digest(raw), this.adminDigest)) return { principal: { user: this.options.adminUser, role: 'admin' } };
    const token = this.options.access?.findActive(raw);
    if (!token) return undefined;
    this.options.access?.markUsed(token.id);
    return { principal: { user: token.name, role: token.role }, accessTokenId: token.id };
  }

  /** Whether an open socket may stay open (its access token is still there and not revoked). */
  stillValid(session: Authenticated): boolean {
    if (session.accessTokenId === undefined) return true;
    return this.options.access?.isActive(session.accessTokenId) ?? false;
  }
}
