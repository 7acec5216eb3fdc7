import type { TargetKind } from '../../core/contracts';
import type { LifecycleAction } from '../../core/controller/agent-operations';
import { parseCommandArguments } from '../arguments';
import { currentActor, withControlPlane } from '../control-plane-session';
import { EXIT, paint, UsageError } from '../terminal';
import type { Terminal } from '../terminal';

const TARGETS: readonly TargetKind[] = ['process', 'docker', 'kubernetes'];

const WHAT: Record<LifecycleAction, { summary: string; done: string; detail: string }> = {
  stop: { summary: "stop the agent's replicas (it stays deployed; start brings it back)", done: 'stopped', detail: 'Replicas get SIGTERM, drain in-flight requests, and stay stopped until agentdock start.' },
  start: { summary: 'start a stopped agent again', done: 'started', detail: 'Starts the replicas of the active version again; the health gate is agentdock status.' },
  restart: { summary: "restart the agent's replicas one at a time", done: 'restarted', detail: 'Replicas restart one at a time, so the others keep serving.' },
  suspend: { summary: 'freeze the agent in place (no CPU; resume continues)', done: 'suspended', detail: 'Replicas are frozen (SIGSTOP / docker pause): no CPU, memory kept, requests wait.' },
  resume: { summary: 'continue a suspended agent', done: 'resumed', detail: 'Frozen replicas continue where they stopped.' },
  delete: { summary: "remove the agent's deployments (versions and audit are kept)", done: 'deleted', detail: 'Removes every replica and config of the agent from its targets. Versions, keys, secrets and the audit trail are kept: agentdock deploy or rollback brings it back.' },
};

/** Help text of one lifecycle command. */
export function lifecycleHelp(action: LifecycleAction): string {
  return `Usage: agentdock ${action} <agent> [--target process|docker|kubernetes] [--json]

${WHAT[action].detail}
Without --target, the agent's active deployment on every target.
Exit codes: 0 done, 1 failed (no such agent, nothing deployed, target unreachable), 2 usage error.`;
}

/** The one-line summary for the command list. */
export function lifecycleSummary(action: LifecycleAction): string {
  return WHAT[action].summary;
}

/** `agentdock stop|start|restart|suspend|resume|delete <agent>`. */
export function lifecycleCommand(action: LifecycleAction) {
  return async (argv: string[], terminal: Terminal): Promise<number> => {
    const { values, positionals } = parseCommandArguments(action, argv, { target: { type: 'string' }, json: { type: 'boolean' } }, 1);
    if (values.help) return (terminal.out(lifecycleHelp(action)), EXIT.ok);
    const agent = positionals[0];
    if (!agent) throw new UsageError(`name the agent: agentdock ${action} <agent>`, action);
    const target = values.target;
    if (target !== undefined && !(TARGETS as readonly string[]).includes(target)) throw new UsageError(`--target must be one of ${TARGETS.join(', ')}`, action);
    const json = Boolean(values.json);
    return withControlPlane(action, terminal, json, async (plane) => {
      const outcomes = await plane.operations().lifecycle(agent, action, { actor: currentActor(), role: 'admin', ...(target ? { target: target as TargetKind } : {}) });
      if (json) terminal.out(JSON.stringify({ ok: true, results: outcomes }, null, 2));
      else for (const outcome of outcomes) terminal.out(`${paint(terminal, 'green', '✓')} ${WHAT[action].done} ${outcome.agent} ${outcome.version} on ${outcome.target}`);
      return EXIT.ok;
    });
  };
}
