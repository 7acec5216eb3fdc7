import { DEFAULT_CLEANUP_KEEP } from '../../core/controller/cleanup';
import type { CleanupReport, PrunedItem } from '../../core/controller/cleanup';
import type { ReconcileItem } from '../../core/controller/reconcile';
import { parseCommandArguments } from '../arguments';
import { currentActor, withControlPlane } from '../control-plane-session';
import { EXIT, paint, UsageError } from '../terminal';
import type { Terminal } from '../terminal';

export const cleanupHelp = `Usage: agentdock cleanup [--dry-run] [--keep N] [--json]

Reclaims what deployments leave behind:
  - replicas of failed, superseded or deleted deployments, and of deploys a crash interrupted
    (those roll back; the previous version never stopped serving), on every target;
  - config and temp dirs nothing uses any more;
  - builds (bundles and Docker images) of all but each agent's N newest versions. A version a
    deployment still runs is always kept. Rolling back to a pruned version fails with E2003:
    deploy its source again instead.
Nothing made in the last 15 minutes is touched, so a deploy running now is safe.

Options:
  --dry-run  list what would go; change nothing
  --keep N   newest versions per agent whose builds stay (default ${DEFAULT_CLEANUP_KEEP})
  --json     the full report as JSON

Exit codes: 0 done, 1 something could not be removed (listed; run again later), 2 usage error.`;

/** `agentdock cleanup`. */
export async function runCleanup(argv: string[], terminal: Terminal): Promise<number> {
  const { values } = parseCommandArguments('cleanup', argv, { 'dry-run': { type: 'boolean' }, keep: { type: 'string' }, json: { type: 'boolean' } }, 0);
  if (values.help) return (terminal.out(cleanupHelp), EXIT.ok);
  const keep = values.keep === undefined ? DEFAULT_CLEANUP_KEEP : Number(values.keep);
  if (!/^\d+$/.test(values.keep ?? '1') || keep < 1) throw new UsageError(`--keep takes a whole number of versions of at least 1, got ${JSON.stringify(values.keep)}`, 'cleanup');
  const json = Boolean(values.json);
  const dryRun = Boolean(values['dry-run']);
  return withControlPlane('cleanup', terminal, json, async (plane) => {
    const report = await plane.cleanup({ dryRun, keep, actor: currentActor() });
    const failed = report.errors.length > 0 || report.reconcile.errors.length > 0;
    if (json) terminal.out(JSON.stringify({ ok: !failed, ...report }, null, 2));
    else printReport(terminal, report);
    return failed ? EXIT.failed : EXIT.ok;
  });
}

function printReport(terminal: Terminal, report: CleanupReport): void {
  const { reconcile } = report;
  const verb = report.dryRun ? 'would remove' : 'removed';
  const lines: string[] = [];
  const deployments = (items: ReconcileItem[], what: string): void => {
    for (const item of items) lines.push(`  ${what} ${item.agent} ${item.version} on ${item.target}: ${item.reason}`);
  };
  deployments(reconcile.rolledBack, report.dryRun ? 'would roll back' : 'rolled back');
  deployments(reconcile.removed, verb);
  deployments(reconcile.restarted, report.dryRun ? 'would restart' : 'restarted');
  for (const dir of reconcile.removedPaths) lines.push(`  ${verb} ${dir}`);
  const builds = (items: PrunedItem[], what: string): void => {
    for (const item of items) lines.push(`  ${verb} ${what} of ${item.agent} ${item.version ?? `(no version: ${item.contentHash.slice(0, 12)})`}  ${item.location}  ${formatBytes(item.bytes)}`);
  };
  builds(report.bundles, 'build');
  builds(report.artifacts, 'image');
  for (const item of reconcile.missing) lines.push(`  ${paint(terminal, 'yellow', '!')} ${item.agent} ${item.version} on ${item.target}: ${item.reason}`);
  for (const error of [...reconcile.errors.map((e) => ({ location: e.target ?? e.deploymentId ?? 'reconcile', message: e.message })), ...report.errors]) {
    lines.push(`  ${paint(terminal, 'red', '✗')} ${error.location}: ${error.message}`);
  }
  terminal.out(report.dryRun ? 'Dry run: nothing was changed.' : 'Cleanup');
  terminal.out(lines.length > 0 ? lines.join('\n') : '  nothing to clean up');
  const freed = report.bytesFreed > 0 ? `${report.dryRun ? 'Would free' : 'Freed'} ${formatBytes(report.bytesFreed)}. ` : '';
  terminal.out(`${freed}Kept the ${report.keep} newest version(s) of each agent and every version a deployment runs.`);
}

/** 1536 → "1.5 KB" (powers of 1024, as the Docker CLI shows sizes). */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}
