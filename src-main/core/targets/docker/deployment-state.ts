/**
 * What the Docker target remembers about a deployment between control-plane restarts: the parts of
 * the DeploymentSpec needed to create more replicas (scale) and to re-sync the config volume
 * (reload), and the state the user asked for (running / stopped / suspended), which tells a
 * deliberate stop from a crash. Labels on the containers remain the source of truth for what
 * exists. Stored by `DeploymentStateFiles` (../state-files.ts) under `<stateDir>/docker-target/`.
 */
import type { ResourceLimits, TrustLevel } from '../../contracts';
import type { DesiredState } from '../deployment-identity';


export interface StoredDeployment {
  deploymentId: string;
  agent: string;
  resourceName: string;
  version: string;
  image: string;
  configDir: string;
  replicas: number;
  trust: TrustLevel;
  resources?: ResourceLimits;
  port: number;
  desired: DesiredState;
  updatedAt: string;
  /** The `home` label of the data dir that created it (labels.ts), when the target has one. */
  home?: string;
}
