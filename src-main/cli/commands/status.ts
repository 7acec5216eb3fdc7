import { deploymentHealth } from '../../core/health/health-status';
import { parseCommandArguments } from '../arguments';
import { withControlPlane } from '../control-plane-session';
import { table } from '../table';
import { EXIT, UsageError } from '../terminal';
import type { Terminal } from '../terminal';

export const statusHelp = `Usage: agentdock status [agent] [--json]

Every agent with its active version, target, replicas, health (≥80 % ready healthy, ≥50 % degraded)
and endpoint; with an agent name, its replicas one by one.
Exit codes: 0 shown, 1 no such agent, 2 usage error.`;

export const versionsHelp = `Usage: agentdock versions <agent> [--json]

The agent's immutable versions, newest first, with who made them and when, and which is active.
Exit codes: 0 shown, 1 no such agent, 2 usage error.`;

/** `agentdock status`. */
export async function runStatus(argv: string[], terminal: Terminal): Promise<number> {
  const { values, positionals } = parseCommandArguments('status', argv, { json: { type: 'boolean' } }, 1);
  if (values.help) return (terminal.out(statusHelp), EXIT.ok);
  const json = Boolean(values.json);
  return withControlPlane('status', terminal, json, async (plane) => {
    const repos = plane.repositories;
    const agents = positionals[0] ? [repos.agents.require(positionals[0])] : repos.agents.list();
    const rows = [];
    for (const agent of agents) {
      const active = repos.deployments.list({ agentId: agent.id, states: ['active'] });
      for (const deployment of active) {
        const version = repos.versions.get(deployment.versionId);
        const live = await plane.targets[deployment.targetKind]?.status(deployment.id);
        const ready = live?.replicas.filter((replica) => replica.state === 'running').length ?? 0;
        rows.push({
          agent: agent.name,
          version: version?.label ?? '?',
          target: deployment.targetKind,
          replicas: `${ready}/${deployment.replicas}`,
          health: deploymentHealth(live?.replicas ?? [], deployment.replicas),
          endpoint: deployment.endpoint ?? '',
          since: deployment.activatedAt ?? deployment.createdAt,
          ...(positionals[0] ? { replicaDetails: live?.replicas ?? [] } : {}),
        });
      }
      if (!active.length) {
        rows.push({ agent: agent.name, version: repos.versions.latest(agent.id)?.label ?? '-', target: '-', replicas: '0/0', health: 'stopped', endpoint: '', since: agent.createdAt });
      }
    }
    if (json) terminal.out(JSON.stringify({ ok: true, agents: rows }, null, 2));
    else if (!rows.length) terminal.out('No agents yet. Deploy one with agentdock deploy.');
    else table(terminal, ['AGENT', 'VERSION', 'TARGET', 'REPLICAS', 'HEALTH', 'ENDPOINT'], rows.map((row) => [row.agent, row.version, row.target, row.replicas, row.health, row.endpoint]));
    return EXIT.ok;
  });
}

/** `agentdock versions`. */
export async function runVersions(argv: string[], terminal: Terminal): Promise<number> {
  const { values, positionals } = parseCommandArguments('versions', argv, { json: { type: 'boolean' } }, 1);
  if (values.help) return (terminal.out(versionsHelp), EXIT.ok);
  if (!positionals[0]) throw new UsageError('name the agent: agentdock versions <agent>', 'versions');
  const json = Boolean(values.json);
  return withControlPlane('versions', terminal, json, async (plane) => {
    const repos = plane.repositories;
    const agent = repos.agents.require(positionals[0]!);
    const active = new Set(repos.deployments.list({ agentId: agent.id, states: ['active'] }).map((deployment) => deployment.versionId));
    const versions = repos.versions.list(agent.id).map((version) => ({
      version: version.label,
      active: active.has(version.id),
      contentHash: version.contentHash,
      createdBy: version.createdBy,
      createdAt: version.createdAt,
      runtimeVersion: version.runtimeVersion,
      ...(version.image ? { image: version.image.ref } : {}),
    }));
    if (json) terminal.out(JSON.stringify({ ok: true, agent: agent.name, versions }, null, 2));
    else table(terminal, ['VERSION', 'ACTIVE', 'CREATED', 'BY', 'HASH'], versions.map((v) => [v.version, v.active ? '●' : '', v.createdAt, v.createdBy, v.contentHash.slice(0, 12)]));
    return EXIT.ok;
  });
}
