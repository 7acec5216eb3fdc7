/**
 * The operations this process owns right now (deploys in progress, pending idempotency keys),
 * recorded in the store's `operation_owners` and kept fresh by a heartbeat while any is held, so
 * reconcile in another process sees them as alive (operation-owner.ts) and leaves them alone.
 */
import type { OperationOwner, OperationOwnersRepository } from '../store/deployments-repository';
import { currentOwner, DEFAULT_HEARTBEAT_MS, isOwnerAlive } from './operation-owner';

/** Owner rows held by one controller, with one heartbeat timer for all of them. */
export class OwnerLeases {
  /** This process, as recorded in every row it claims. */
  readonly owner: OperationOwner = currentOwner();
  private readonly held = new Set<string>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly owners: OperationOwnersRepository,
    private readonly options: { heartbeatMs?: number; clock?: () => number } = {},
  ) {}

  /**
   * Holds `resource` until the returned release runs (idempotent). `claimed`: the row was already
   * written with the operation's own row (a deployment), so only the heartbeat is added.
   */
  hold(resource: string, options: { claimed?: boolean } = {}): () => void {
    if (!options.claimed) this.owners.claim(resource, this.owner);
    this.held.add(resource);
    this.timer ??= setInterval(() => {
      try {
        this.owners.heartbeat(this.owner, [...this.held]);
      } catch {
        // The database is closing or busy: the next beat tries again; a missed one only matters across hosts.
      }
    }, this.options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS).unref();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.held.delete(resource);
      if (this.held.size === 0 && this.timer) {
        clearInterval(this.timer);
        this.timer = undefined;
      }
      try {
        this.owners.release(resource, this.owner);
      } catch {
        // Closed under us: reconcile removes owner rows of processes that are gone.
      }
    };
  }

  /** True when `resource` has owners besides this process and none is alive; their rows are then removed. */
  async othersGone(resource: string): Promise<boolean> {
    const others = this.owners.list(resource).filter((owner) => !(owner.pid === this.owner.pid && owner.host === this.owner.host));
    if (others.length === 0) return false;
    const now = (this.options.clock ?? Date.now)();
    for (const owner of others) if (await isOwnerAlive(owner, { now })) return false;
    for (const owner of others) this.owners.release(resource, owner);
    return true;
  }
}
