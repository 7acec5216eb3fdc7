/**
 * Seed 001's trust levels mapped onto what a plain Docker engine can actually enforce. The table
 * and its limits are documented in README.md (next to this file); keep the two in step.
 *
 * | level        | network                                   | root fs   | OCI runtime                         |
 * | TRUSTED      | default bridge, egress                    | writable  | engine default (runc)               |
 * | STANDARD     | own bridge per deployment, egress         | read-only | runsc (gVisor) when installed       |
 * | UNTRUSTED    | own internal network, no egress; gateway  | read-only | kata, else runsc, when installed    |
 * | CONFIDENTIAL | as UNTRUSTED                              | read-only | a confidential runtime: required    |
 *
 * Every level runs as uid 10001 with all capabilities dropped, no-new-privileges, and cpu, memory
 * and pids limits; those are not relaxed for TRUSTED (the seed's "relaxed" means writable root).
 */
import { CoreError } from '../../contracts';
import type { TrustLevel } from '../../contracts';
import { firstAvailable, GVISOR_RUNTIMES as GVISOR, KATA_RUNTIMES as KATA } from '../trust-runtimes';

/** How a deployment's containers reach (and are reached from) the network. */
export type NetworkIsolation =
  /** Docker's default bridge: egress, port published on 127.0.0.1. */
  | 'default-bridge'
  /** A bridge network of its own: egress, no traffic to or from other deployments' containers. */
  | 'deployment-bridge'
  /** An `--internal` network of its own (no route out); a gateway container publishes the port. */
  | 'internal-gateway';

export interface Isolation {
  network: NetworkIsolation;
  readonlyRootfs: boolean;
  /** OCI runtime (`HostConfig.Runtime`); undefined = the engine's default. */
  runtime?: string;
}


/**
 * The isolation for a trust level on an engine offering `availableRuntimes` (from `docker info`).
 * `overrides` (a setting) names the OCI runtime per level explicitly. CONFIDENTIAL without a
 * configured confidential runtime is refused rather than silently run on runc.
 */
export function isolationFor(trust: TrustLevel, availableRuntimes: readonly string[], overrides: Partial<Record<TrustLevel, string>> = {}): Isolation {
  const override = overrides[trust];
  if (override !== undefined && !availableRuntimes.includes(override)) {
    throw new CoreError('E2021', `the Docker engine has no OCI runtime "${override}" configured for trust level ${trust} (it offers: ${availableRuntimes.join(', ') || 'none'}); install it or change the runtime setting`);
  }
  switch (trust) {
    case 'TRUSTED':
      return { network: 'default-bridge', readonlyRootfs: false, ...(override !== undefined && { runtime: override }) };
    case 'STANDARD': {
      const runtime = override ?? firstAvailable(GVISOR, availableRuntimes);
      return { network: 'deployment-bridge', readonlyRootfs: true, ...(runtime !== undefined && { runtime }) };
    }
    case 'UNTRUSTED': {
      const runtime = override ?? firstAvailable(KATA, availableRuntimes) ?? firstAvailable(GVISOR, availableRuntimes);
      return { network: 'internal-gateway', readonlyRootfs: true, ...(runtime !== undefined && { runtime }) };
    }
    case 'CONFIDENTIAL':
      if (override === undefined) {
        throw new CoreError(
          'E2021',
          'trust level CONFIDENTIAL needs a confidential-computing runtime (e.g. kata-cc on SEV/TDX hardware), and none is configured for this Docker engine; set the CONFIDENTIAL runtime setting, or deploy as UNTRUSTED',
        );
      }
      return { network: 'internal-gateway', readonlyRootfs: true, runtime: override };
  }
}
