import { parseEnvironment } from '../../core/store/environments';
import type { SecretRole } from '../../core/vault';
import { parseCommandArguments } from '../arguments';
import { currentActor, withControlPlane } from '../control-plane-session';
import { EXIT, paint, UsageError } from '../terminal';
import type { Terminal } from '../terminal';
import { printRollout } from '../rollout-output';
import { table } from '../table';

export const secretHelp = `Usage: agentdock secret <set|list|get|rotate|delete> …

  agentdock secret set NAME [--agent A] [--environment dev|prod]      the value is read from stdin
  agentdock secret list [--agent A] [--environment dev|prod]          names and masked values
  agentdock secret get NAME [--agent A] [--environment …] [--reveal]  masked unless --reveal (admin)
  agentdock secret rotate NAME [--agent A] [--environment …]          new value from stdin
  agentdock secret delete NAME [--agent A] [--environment …]          soft delete (audit kept)
Values never go on the command line (shell history); pipe them: printf %s "$KEY" | agentdock secret set OPENAI_API_KEY
Changes reach running replicas at once (secrets.json is rewritten and reloaded, no restart).
AGENTDOCK_MASTER_KEY unlocks the vault. Add --json for machine-readable output.
Exit codes: 0 done, 1 failed (wrong master key, no such secret), 2 usage error.`;

/** `agentdock secret …`. */
export async function runSecret(argv: string[], terminal: Terminal, stdin: NodeJS.ReadableStream = process.stdin): Promise<number> {
  const [verb, ...rest] = argv;
  if (!verb || verb === '-h' || verb === '--help') return (terminal.out(secretHelp), verb ? EXIT.ok : EXIT.usage);
  const { values, positionals } = parseCommandArguments('secret', rest, { agent: { type: 'string' }, environment: { type: 'string' }, reveal: { type: 'boolean' }, json: { type: 'boolean' } }, 1);
  if (values.help) return (terminal.out(secretHelp), EXIT.ok);
  const name = positionals[0];
  if (verb !== 'list' && !name) throw new UsageError('name the secret', 'secret');
  let environment;
  try {
    environment = parseEnvironment(typeof values.environment === 'string' ? values.environment : 'dev');
  } catch {
    throw new UsageError('--environment must be dev or prod', 'secret');
  }
  const json = Boolean(values.json);
  return withControlPlane('secret', terminal, json, async (plane) => {
    const vault = plane.vault();
    const agentId = typeof values.agent === 'string' ? plane.repositories.agents.require(values.agent).id : undefined;
    const role: SecretRole = verb === 'get' && !values.reveal ? 'viewer' : 'admin';
    const scope = { environment, ...(agentId ? { agentId } : {}), actor: currentActor(), role };
    const done = (value: Record<string, unknown>, human: string): number => {
      terminal.out(json ? JSON.stringify({ ok: true, ...value }, null, 2) : human);
      return EXIT.ok;
    };
    // A changed secret reaches the running replicas that receive it (the agent's, or every agent's for a global one).
    const changed = async (value: Record<string, unknown>, human: string): Promise<number> => {
      const rollout = await plane.operations().rolloutConfig('secrets', agentId ? { agentId } : {}, { actor: currentActor(), role: 'admin' });
      const code = done({ ...value, rollout }, human);
      if (!json) printRollout(terminal, rollout);
      return code;
    };
    switch (verb) {
      case 'set':
      case 'rotate': {
        const value = (await readAll(stdin)).replace(/\r?\n$/, '');
        if (!value) throw new UsageError('pipe the value on stdin (it must not be empty)', 'secret');
        const info = verb === 'set' ? (await vault.set(name!, value, scope)).secret : await vault.rotate(name!, value, scope);
        return changed({ secret: info }, `${paint(terminal, 'green', '✓')} ${verb === 'set' ? 'stored' : 'rotated'} ${info.name} (${info.environment}) = ${info.masked}`);
      }
      case 'get': {
        const read = await vault.get(name!, scope);
        return done({ secret: read }, read.value);
      }
      case 'list': {
        const secrets = await vault.list({ actor: currentActor(), role: 'viewer', environment, ...(agentId ? { agentId } : {}) });
        if (json) return done({ secrets }, '');
        table(terminal, ['NAME', 'ENV', 'VALUE', 'UPDATED'], secrets.map((s) => [s.name, s.environment, s.masked, s.updatedAt]));
        return EXIT.ok;
      }
      case 'delete': {
        const info = await vault.delete(name!, scope);
        return changed({ secret: info }, `${paint(terminal, 'green', '✓')} deleted ${info.name} (${info.environment}); the audit trail is kept`);
      }
      default:
        throw new UsageError(`unknown secret command ${JSON.stringify(verb)}; use set, list, get, rotate or delete`, 'secret');
    }
  });
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks).toString('utf8');
}
