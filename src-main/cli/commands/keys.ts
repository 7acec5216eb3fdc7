import { parseCommandArguments } from '../arguments';
import { currentActor, withControlPlane } from '../control-plane-session';
import { EXIT, paint, UsageError } from '../terminal';
import type { Terminal } from '../terminal';
import { printRollout } from '../rollout-output';
import { table } from '../table';

export const keyHelp = `Usage: agentdock key <create|list|rotate|revoke> …

  agentdock key create <agent> --role ROLE [--expires ISO-DATE] [--label TEXT]   the raw key is shown once
  agentdock key list <agent> [--all]                                           ids, roles, prefixes (never keys)
  agentdock key rotate <key-id>                                                a new key; the old one is revoked
  agentdock key revoke <key-id>                                                the runtime answers 499 from then on
Changes reach the agent's running replicas at once (keys.json is rewritten and reloaded, no restart).
Add --json for machine-readable output.
Exit codes: 0 done, 1 failed, 2 usage error.`;

/** `agentdock key …`. */
export async function runKey(argv: string[], terminal: Terminal): Promise<number> {
  const [verb, ...rest] = argv;
  if (!verb || verb === '-h' || verb === '--help') return (terminal.out(keyHelp), verb ? EXIT.ok : EXIT.usage);
  const { values, positionals } = parseCommandArguments('key', rest, { role: { type: 'string' }, expires: { type: 'string' }, label: { type: 'string' }, all: { type: 'boolean' }, json: { type: 'boolean' } }, 1);
  if (values.help) return (terminal.out(keyHelp), EXIT.ok);
  const subject = positionals[0];
  if (!subject) throw new UsageError(`name the ${verb === 'create' || verb === 'list' ? 'agent' : 'key id'}`, 'key');
  const json = Boolean(values.json);
  return withControlPlane('key', terminal, json, async (plane) => {
    const repos = plane.repositories;
    const actor = currentActor();
    const out = async (agentId: string, value: Record<string, unknown>, human: () => void): Promise<number> => {
      const rollout = await plane.operations().rolloutConfig('keys', { agentId }, { actor, role: 'admin' });
      if (json) terminal.out(JSON.stringify({ ok: true, ...value, rollout }, null, 2));
      else {
        human();
        printRollout(terminal, rollout);
      }
      return EXIT.ok;
    };
    switch (verb) {
      case 'create': {
        if (typeof values.role !== 'string') throw new UsageError('--role is required (e.g. developer)', 'key');
        const agent = repos.agents.require(subject);
        const { key, raw } = repos.apiKeys.create({ agentId: agent.id, role: values.role, createdBy: actor, ...(typeof values.expires === 'string' ? { expiresAt: values.expires } : {}), ...(typeof values.label === 'string' ? { label: values.label } : {}) });
        repos.audit.record({ actor, role: 'admin', action: 'key:create', target: `agent:${agent.name}`, success: true, details: { keyId: key.id, role: key.role } });
        return out(agent.id, { id: key.id, role: key.role, key: raw }, () => {
          terminal.out(`${paint(terminal, 'green', '✓')} created key ${key.id} (${key.role}) for ${agent.name}. Copy it now — it is not shown again:`);
          terminal.out(raw);
        });
      }
      case 'list': {
        const agent = repos.agents.require(subject);
        const keys = repos.apiKeys.list(agent.id, { includeRevoked: Boolean(values.all) });
        if (json) terminal.out(JSON.stringify({ ok: true, keys: keys.map(({ hash: _hash, ...key }) => key) }, null, 2));
        else table(terminal, ['ID', 'ROLE', 'PREFIX', 'CREATED', 'EXPIRES', 'REVOKED'], keys.map((key) => [key.id, key.role, key.prefix, key.createdAt, key.expiresAt ?? '', key.revokedAt ?? '']));
        return EXIT.ok;
      }
      case 'rotate': {
        const { key, raw, previous } = repos.apiKeys.rotate(subject, { createdBy: actor });
        repos.audit.record({ actor, role: 'admin', action: 'key:rotate', target: `key:${previous.id}`, success: true, details: { newKeyId: key.id } });
        return out(key.agentId, { id: key.id, previousId: previous.id, key: raw }, () => {
          terminal.out(`${paint(terminal, 'green', '✓')} ${previous.id} rotated to ${key.id}. Copy the new key now:`);
          terminal.out(raw);
        });
      }
      case 'revoke': {
        const key = repos.apiKeys.revoke(subject);
        repos.audit.record({ actor, role: 'admin', action: 'key:revoke', target: `key:${key.id}`, success: true });
        return out(key.agentId, { id: key.id, revokedAt: key.revokedAt }, () => terminal.out(`${paint(terminal, 'green', '✓')} revoked ${key.id}`));
      }
      default:
        throw new UsageError(`unknown key command ${JSON.stringify(verb)}; use create, list, rotate or revoke`, 'key');
    }
  });
}
