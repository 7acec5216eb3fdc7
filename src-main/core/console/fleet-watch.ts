/**
 * One shared watch of the fleet for every open window and tab (not one per subscriber, as
 * Headlamp shares a watch per resource): while anybody listens it recomputes the rows every
 * `intervalMs` and at once after a change made through the console (`poke`), and sends each
 * listener only the rows that changed. Nobody listening → no timer, no target calls.
 */
import type { AgentRow, FleetChange } from '../../../src-shared/ipc/console-types';
import type { ControlPlane } from '../control-plane';
import type { Disposable } from '../contracts';
import { sameRow } from '../../../src-shared/ipc/fleet-row-equality';
import { fleetRows } from './fleet-rows';

export class FleetWatch implements Disposable {
  private readonly listeners = new Set<(change: FleetChange) => void>();
  private rows = new Map<string, AgentRow>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;

  constructor(
    private readonly plane: ControlPlane,
    private readonly options: { intervalMs?: number; onError?: (error: unknown) => void } = {},
  ) {}

  /**
   * The current rows, computed now. Not remembered: changes are diffs against what listeners were
   * last sent, so a listener whose snapshot is newer gets a redundant upsert, never a missed one.
   */
  snapshot(): Promise<AgentRow[]> {
    return fleetRows(this.plane);
  }

  /** Adds a listener of changes; returns its removal. */
  listen(listener: (change: FleetChange) => void): Disposable {
    this.listeners.add(listener);
    if (!this.timer) {
      this.timer = setInterval(() => this.poke(), this.options.intervalMs ?? 2000);
      this.timer.unref();
      // The first listener after a quiet spell: catch up now (and have telemetry follow new replicas), not in one interval.
      this.poke();
    }
    return {
      dispose: () => {
        this.listeners.delete(listener);
        if (this.listeners.size === 0) this.stopTimer();
      },
    };
  }

  /** Recompute soon (coalesced): a deploy, rollback or lifecycle action just changed something. */
  poke(): void {
    if (this.listeners.size === 0) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.refresh()
      .catch((error: unknown) => this.options.onError?.(error))
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          this.poke();
        }
      });
  }

  dispose(): void {
    this.listeners.clear();
    this.stopTimer();
  }

  private async refresh(): Promise<void> {
    const before = this.rows;
    const rows = await fleetRows(this.plane);
    const after = new Map(rows.map((row) => [row.agentId, row]));
    this.rows = after;
    let replicasMoved = false;
    for (const row of rows) {
      const previous = before.get(row.agentId);
      if (!previous || !sameRow(previous, row)) this.emit({ type: 'upsert', row });
      replicasMoved ||= previous === undefined ? row.deploymentId !== null : previous.deploymentId !== row.deploymentId || previous.replicasReady !== row.replicasReady;
    }
    // New replicas (a deploy here or by the CLI): their events should reach open panels now, not at telemetry's next poll.
    if (replicasMoved) this.plane.telemetry().nudge();
    for (const agentId of before.keys()) if (!after.has(agentId)) this.emit({ type: 'remove', agentId });
  }

  private emit(change: FleetChange): void {
    for (const listener of this.listeners) listener(change);
  }

  private stopTimer(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
