/** The store: the SQLite database and one repository per table group (ARCHITECTURE.md §4). */
import { AgentsRepository } from './agents-repository';
import { ApiKeysRepository } from './api-keys-repository';
import { AuditRepository } from './audit-repository';
import { ConsoleAccessRepository } from './console-access-repository';
import type { StoreDatabase } from './database';
import { DeploymentsRepository } from './deployments-repository';
import { IdempotencyRepository } from './idempotency-repository';
import { SecretAuditRepository } from './secret-audit-repository';
import { TelemetryRepository } from './telemetry-repository';
import { VersionsRepository } from './versions-repository';

export * from './agents-repository';
export * from './api-keys-repository';
export * from './audit-repository';
export * from './clock';
export * from './console-access-repository';
export * from './data-dir';
export * from './database';
export * from './deployments-repository';
export * from './environments';
export * from './ids';
export * from './idempotency-repository';
export * from './latency-histogram';
export * from './log-query';
export { MIGRATIONS, SCHEMA_VERSION } from './migrations';
export type { Migration } from './migrations';
export * from './retention';
export * from './secret-audit-repository';
export * from './telemetry-repository';
export * from './versions-repository';

/** Every repository over one database, for the composition root. */
export interface Repositories {
  agents: AgentsRepository;
  versions: VersionsRepository;
  deployments: DeploymentsRepository;
  apiKeys: ApiKeysRepository;
  audit: AuditRepository;
  secretAudit: SecretAuditRepository;
  telemetry: TelemetryRepository;
  idempotency: IdempotencyRepository;
  consoleAccess: ConsoleAccessRepository;
}

/** Builds every repository over `db`. */
export function createRepositories(db: StoreDatabase, options: { idempotencyTtlMs?: number } = {}): Repositories {
  return {
    agents: new AgentsRepository(db),
    versions: new VersionsRepository(db),
    deployments: new DeploymentsRepository(db),
    apiKeys: new ApiKeysRepository(db),
    audit: new AuditRepository(db),
    secretAudit: new SecretAuditRepository(db),
    telemetry: new TelemetryRepository(db),
    idempotency: new IdempotencyRepository(db, options.idempotencyTtlMs !== undefined ? { ttlMs: options.idempotencyTtlMs } : {}),
    consoleAccess: new ConsoleAccessRepository(db),
  };
}
