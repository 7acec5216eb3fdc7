import { parseCommandArguments } from '../arguments';
import { withControlPlane } from '../control-plane-session';
import { EXIT } from '../terminal';
import type { Terminal } from '../terminal';
import { table } from '../table';

export const auditHelp = `Usage: agentdock audit [--action A] [--actor U] [--target T] [--limit N] [--json]

The append-only audit log of admin actions: who did what to which target, and whether it worked.
Exit codes: 0 shown, 2 usage error.`;

/** `agentdock audit`. */
export async function runAudit(argv: string[], terminal: Terminal): Promise<number> {
  const { values } = parseCommandArguments('audit', argv, { action: { type: 'string' }, actor: { type: 'string' }, target: { type: 'string' }, limit: { type: 'string' }, json: { type: 'boolean' } }, 0);
  if (values.help) return (terminal.out(auditHelp), EXIT.ok);
  const json = Boolean(values.json);
  return withControlPlane('audit', terminal, json, async (plane) => {
    const entries = plane.repositories.audit.list({
      ...(typeof values.action === 'string' ? { action: values.action } : {}),
      ...(typeof values.actor === 'string' ? { actor: values.actor } : {}),
      ...(typeof values.target === 'string' ? { target: values.target } : {}),
      limit: values.limit ? Number(values.limit) : 50,
    });
    if (json) terminal.out(JSON.stringify({ ok: true, entries }, null, 2));
    else table(terminal, ['TIME', 'ACTOR', 'ACTION', 'TARGET', 'OK', 'ERROR'], entries.map((e) => [e.createdAt, e.actor, e.action, e.target, e.success ? 'yes' : 'no', e.error ?? '']));
    return EXIT.ok;
  });
}
