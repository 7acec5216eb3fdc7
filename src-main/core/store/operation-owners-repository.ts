/**
 * Owners of interruptible operations (migration 3): which process runs a deploy in progress or
 * holds a pending idempotency key, and when it last said so (heartbeat). The store only records;
 * deciding whether an owner is still alive is the controller's job (operation-owner.ts), since it
 * asks the operating system.
 */
import type { StoreDatabase } from './database';

/** A process, as an owner: pid and host, and a token that changes when the pid is reused. */
export interface OperationOwner {
  pid: number;
  host: string;
  /** The process's start time as the OS reports it ('' where it cannot be read). */
  startToken: string;
}

export interface OwnerRecord extends OperationOwner {
  resource: string;
  heartbeatAt: string;
  createdAt: string;
}

interface OwnerRow {
  resource: string;
  host: string;
  pid: number;
  start_token: string;
  heartbeat_at: string;
  created_at: string;
}

const toRecord = (row: OwnerRow): OwnerRecord => ({ resource: row.resource, host: row.host, pid: row.pid, startToken: row.start_token, heartbeatAt: row.heartbeat_at, createdAt: row.created_at });

/** The resource name of a deployment's deploy. */
export function deploymentResource(deploymentId: string): string {
  return `deployment:${deploymentId}`;
}

/** The resource name of an idempotency key. */
export function idempotencyResource(scope: string, key: string): string {
  return `idempotency:${scope}:${key}`;
}

/** Same process (pid, host and start token). */
export function sameOwner(a: OperationOwner, b: OperationOwner): boolean {
  return a.pid === b.pid && a.host === b.host && a.startToken === b.startToken;
}

/** Reads and writes `operation_owners`. */
export class OperationOwnersRepository {
  constructor(private readonly db: StoreDatabase) {}

  /** Records `owner` as running `resource`; a row left by an earlier process with the same pid is replaced. */
  claim(resource: string, owner: OperationOwner): void {
    const now = this.db.now();
    this.db.sql
      .prepare('INSERT OR REPLACE INTO operation_owners (resource, host, pid, start_token, heartbeat_at, created_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(resource, owner.host, owner.pid, owner.startToken, now, now);
  }

  /** The owners of `resource` (none: nobody claimed it, or it finished). */
  list(resource: string): OwnerRecord[] {
    return (this.db.sql.prepare('SELECT * FROM operation_owners WHERE resource = ? ORDER BY created_at, pid').all(resource) as OwnerRow[]).map(toRecord);
  }

  /** Every owner row (reconcile's housekeeping). */
  all(): OwnerRecord[] {
    return (this.db.sql.prepare('SELECT * FROM operation_owners ORDER BY created_at, resource').all() as OwnerRow[]).map(toRecord);
  }

  /** Refreshes `owner`'s heartbeat on `resources`. */
  heartbeat(owner: OperationOwner, resources: readonly string[]): void {
    if (resources.length === 0) return;
    const now = this.db.now();
    const statement = this.db.sql.prepare('UPDATE operation_owners SET heartbeat_at = ? WHERE resource = ? AND host = ? AND pid = ? AND start_token = ?');
    this.db.write(() => {
      for (const resource of resources) statement.run(now, resource, owner.host, owner.pid, owner.startToken);
    });
  }

  /** `owner` no longer runs `resource`. */
  release(resource: string, owner: OperationOwner): void {
    this.db.sql.prepare('DELETE FROM operation_owners WHERE resource = ? AND host = ? AND pid = ? AND start_token = ?').run(resource, owner.host, owner.pid, owner.startToken);
  }

  /** Nobody runs `resource` any more. */
  releaseAll(resource: string): void {
    this.db.sql.prepare('DELETE FROM operation_owners WHERE resource = ?').run(resource);
  }

  /**
   * Makes `next` the only owner of `resource`, if its owners are still exactly `judged` (the rows
   * the caller found dead). False when they changed meanwhile: another process took it over first.
   */
  takeOver(resource: string, judged: readonly OperationOwner[], next: OperationOwner): boolean {
    return this.db.write(() => {
      const current = this.list(resource);
      if (current.length !== judged.length || !current.every((row) => judged.some((owner) => sameOwner(owner, row)))) return false;
      this.releaseAll(resource);
      this.claim(resource, next);
      return true;
    });
  }
}
