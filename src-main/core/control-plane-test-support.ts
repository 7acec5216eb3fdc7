/**
 * Test support shared by every suite that opens a real control plane: the teardown that leaves no
 * replica, container or open database behind whatever a failed assertion left running.
 */
import type { ControlPlane } from './control-plane';
import type { TargetKind } from './contracts';

/** Deletes every deployment `plane` knows from `target` (ignoring failures), then closes the plane. */
export async function deleteDeploymentsAndClose(plane: ControlPlane, target: TargetKind = 'process'): Promise<void> {
  for (const deployment of plane.repositories.deployments.list()) await plane.targets[target]?.delete(deployment.id).catch(() => undefined);
  await plane.close();
}
