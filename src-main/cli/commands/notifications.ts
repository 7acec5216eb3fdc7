import { readFileSync } from 'node:fs';
import { checkRuleOverride, isRuleId, isSeverity, RULE_IDS } from '../../core/alerts';
import type { ChannelRecord, Severity, SmtpTls } from '../../core/alerts';
import { parseCommandArguments } from '../arguments';
import { currentActor, withControlPlane } from '../control-plane-session';
import { table } from '../table';
import { EXIT, paint, UsageError } from '../terminal';
import type { Terminal } from '../terminal';

export const alertsHelp = `Usage: agentdock alerts <list|read|history|rules|rule|channel> …

  agentdock alerts list [--unread] [--limit N]                 in-app notifications, newest first
  agentdock alerts read ID… | --all                            mark notifications read
  agentdock alerts history [--agent A] [--limit N]             alerts fired and resolved
  agentdock alerts rules [--agent A]                           effective rules (defaults + overrides)
  agentdock alerts rule set RULE [--agent A] [--threshold N] [--min-requests N] [--resolve-ratio N]
                                 [--severity info|warning|critical] [--enabled true|false]
  agentdock alerts rule reset RULE [--agent A]                 back to the global override or default
  agentdock alerts channel add webhook NAME                    the URL is read from stdin
  agentdock alerts channel add smtp NAME --host H --from ADDR --to ADDR [--to ADDR…]
                                 [--port 587] [--tls starttls|tls|none] [--user U] [--ca FILE]
                                                               with --user, the password is read from stdin
  agentdock alerts channel list | remove NAME | enable NAME | disable NAME | test NAME
Channel options: --min-severity info|warning|critical (default warning), --no-resolved.
Rules: ${RULE_IDS.join(', ')}. Thresholds: budget rules a fraction (0.9), error_rate a fraction (0.1),
latency_p95 milliseconds. Secrets never go on the command line (shell history); pipe them:
  printf %s "$SLACK_WEBHOOK_URL" | agentdock alerts channel add webhook ops-slack
AGENTDOCK_MASTER_KEY unlocks the vault that keeps channel URLs and passwords. Add --json for machine-readable output.
Exit codes: 0 done, 1 failed (including a test message that was not delivered), 2 usage error.`;

const OPTIONS = {
  unread: { type: 'boolean' },
  all: { type: 'boolean' },
  limit: { type: 'string' },
  agent: { type: 'string' },
  threshold: { type: 'string' },
  'min-requests': { type: 'string' },
  'resolve-ratio': { type: 'string' },
  severity: { type: 'string' },
  enabled: { type: 'string' },
  host: { type: 'string' },
  port: { type: 'string' },
  tls: { type: 'string' },
  user: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string', multiple: true },
  ca: { type: 'string' },
  'min-severity': { type: 'string' },
  'no-resolved': { type: 'boolean' },
  json: { type: 'boolean' },
} as const;

/** `agentdock alerts …`. */
export async function runAlerts(argv: string[], terminal: Terminal, stdin: NodeJS.ReadableStream = process.stdin): Promise<number> {
  const [verb, ...rest] = argv;
  if (!verb || verb === '-h' || verb === '--help') return (terminal.out(alertsHelp), verb ? EXIT.ok : EXIT.usage);
  const { values, positionals } = parseCommandArguments('alerts', rest, OPTIONS, 100);
  if (values.help) return (terminal.out(alertsHelp), EXIT.ok);
  const json = Boolean(values.json);
  const limit = values.limit !== undefined ? wholeNumber(values.limit, '--limit') : undefined;
  return withControlPlane('alerts', terminal, json, async (plane) => {
    const alerts = plane.alerts();
    const agentId = values.agent !== undefined ? plane.repositories.agents.require(values.agent).id : undefined;
    const done = (value: Record<string, unknown>, human: () => void): number => {
      if (json) terminal.out(JSON.stringify({ ok: true, ...value }, null, 2));
      else human();
      return EXIT.ok;
    };
    switch (verb) {
      case 'list': {
        const notifications = alerts.notifications.list({ unreadOnly: Boolean(values.unread), ...(limit !== undefined ? { limit } : {}) });
        return done({ notifications, unread: alerts.notifications.unreadCount() }, () =>
          table(terminal, ['ID', 'TIME', 'SEVERITY', 'AGENT', 'TITLE', ''], notifications.map((n) => [String(n.id), n.createdAt, n.severity, n.agentName ?? '', n.title, n.readAt ? '' : 'unread'])),
        );
      }
      case 'read': {
        if (!values.all && positionals.length === 0) throw new UsageError('give notification ids, or --all', 'alerts');
        const changed = values.all ? alerts.notifications.markAllRead() : alerts.notifications.markRead(positionals.map((id) => wholeNumber(id, 'a notification id')));
        return done({ marked: changed }, () => terminal.out(`${paint(terminal, 'green', '✓')} marked ${changed} read`));
      }
      case 'history': {
        const events = alerts.repository.events({ ...(agentId ? { agentId } : {}), ...(limit !== undefined ? { limit } : {}) });
        return done({ events }, () => table(terminal, ['ID', 'TIME', 'AGENT', 'RULE', 'EVENT', 'SEVERITY', 'TITLE'], events.map((e) => [String(e.id), e.createdAt, e.agentName, e.rule, e.kind, e.severity, e.title])));
      }
      case 'rules': {
        const rules = alerts.repository.rulesFor(agentId);
        return done({ rules }, () =>
          table(terminal, ['RULE', 'ENABLED', 'SEVERITY', 'THRESHOLD', 'MIN REQUESTS', 'RESOLVE BELOW'], RULE_IDS.map((rule) => {
            const params = rules[rule];
            return [rule, params.enabled ? 'yes' : 'no', params.severity, String(params.threshold), String(params.minRequests), `${Math.round(params.resolveRatio * 100)}% of threshold`];
          })),
        );
      }
      case 'rule': {
        const [action, rule] = positionals;
        if ((action !== 'set' && action !== 'reset') || !rule) throw new UsageError('use: alerts rule set|reset RULE', 'alerts');
        if (!isRuleId(rule)) throw new UsageError(`unknown rule ${JSON.stringify(rule)}; use ${RULE_IDS.join(', ')}`, 'alerts');
        if (action === 'reset') {
          const removed = alerts.repository.clearOverride(rule, agentId);
          return done({ rule, reset: removed }, () => terminal.out(`${paint(terminal, 'green', '✓')} ${rule}${agentId ? ` for ${values.agent}` : ''} ${removed ? 'reset' : 'had no override'}`));
        }
        const override = checkRuleOverride(rule, ruleOverride(values));
        if (Object.keys(override).length === 0) throw new UsageError('give at least one of --threshold, --min-requests, --resolve-ratio, --severity, --enabled', 'alerts');
        const stored = alerts.repository.setOverride(rule, override, agentId);
        plane.repositories.audit.record({ actor: currentActor(), role: 'admin', action: 'alerts:rule', target: agentId ? `agent:${values.agent}` : 'alerts', success: true, details: { rule, ...stored } });
        return done({ rule, override: stored }, () => terminal.out(`${paint(terminal, 'green', '✓')} ${rule}${agentId ? ` for ${values.agent}` : ''}: ${JSON.stringify(stored)}`));
      }
      case 'channel':
        return runChannel(positionals, values, { terminal, json, stdin, done, plane });
      default:
        throw new UsageError(`unknown alerts command ${JSON.stringify(verb)}; use list, read, history, rules, rule or channel`, 'alerts');
    }
  });
}

type Values = ReturnType<typeof parseCommandArguments<typeof OPTIONS>>['values'];
type Plane = Parameters<Parameters<typeof withControlPlane>[3]>[0];

async function runChannel(
  positionals: string[],
  values: Values,
  context: { terminal: Terminal; json: boolean; stdin: NodeJS.ReadableStream; plane: Plane; done: (value: Record<string, unknown>, human: () => void) => number },
): Promise<number> {
  const { terminal, plane, done } = context;
  const alerts = plane.alerts();
  const [action, first, second] = positionals;
  const actor = currentActor();
  const audit = (what: string, name: string): void => {
    plane.repositories.audit.record({ actor, role: 'admin', action: `alerts:channel:${what}`, target: `channel:${name}`, success: true });
  };
  switch (action) {
    case 'list': {
      const channels = alerts.channels.list();
      return done({ channels }, () =>
        table(terminal, ['NAME', 'KIND', 'TARGET', 'ENABLED', 'MIN SEVERITY', 'RESOLVED'], channels.map((c) => [c.name, c.kind, describe(c), c.enabled ? 'yes' : 'no', c.minSeverity, c.sendResolved ? 'yes' : 'no'])),
      );
    }
    case 'add': {
      if ((first !== 'webhook' && first !== 'smtp') || !second) throw new UsageError('use: alerts channel add webhook|smtp NAME', 'alerts');
      const preferences = { createdBy: actor, ...(values['min-severity'] !== undefined ? { minSeverity: severity(values['min-severity']) } : {}), ...(values['no-resolved'] ? { sendResolved: false } : {}) };
      let channel: ChannelRecord;
      if (first === 'webhook') {
        const url = (await readAll(context.stdin)).trim();
        if (!url) throw new UsageError('pipe the webhook URL on stdin (it is a secret: keep it out of shell history)', 'alerts');
        channel = await alerts.channels.addWebhook(second, url, preferences);
      } else {
        if (!values.host || !values.from || !values.to?.length) throw new UsageError('smtp needs --host, --from and at least one --to', 'alerts');
        const tls = (values.tls ?? 'starttls') as SmtpTls;
        if (!['starttls', 'tls', 'none'].includes(tls)) throw new UsageError('--tls must be starttls, tls or none', 'alerts');
        const password = values.user ? (await readAll(context.stdin)).replace(/\r?\n$/, '') : undefined;
        if (values.user && !password) throw new UsageError('with --user, pipe the SMTP password on stdin', 'alerts');
        const port = values.port !== undefined ? wholeNumber(values.port, '--port') : tls === 'tls' ? 465 : tls === 'none' ? 25 : 587;
        const caPem = values.ca !== undefined ? readFileSync(values.ca, 'utf8') : undefined;
        channel = await alerts.channels.addEmail(second, { host: values.host, port, tls, from: values.from, to: values.to, ...(values.user ? { user: values.user } : {}), ...(caPem ? { caPem } : {}) }, password, preferences);
      }
      audit('add', channel.name);
      return done({ channel }, () => terminal.out(`${paint(terminal, 'green', '✓')} added ${channel.kind} channel ${channel.name} (${describe(channel)}); try it: agentdock alerts channel test ${channel.name}`));
    }
    case 'remove': {
      if (!first) throw new UsageError('name the channel', 'alerts');
      const channel = await alerts.channels.remove(first);
      audit('remove', channel.name);
      return done({ removed: channel.name }, () => terminal.out(`${paint(terminal, 'green', '✓')} removed ${channel.name}`));
    }
    case 'enable':
    case 'disable': {
      if (!first) throw new UsageError('name the channel', 'alerts');
      const channel = alerts.channels.update(first, { enabled: action === 'enable' });
      audit(action, channel.name);
      return done({ channel }, () => terminal.out(`${paint(terminal, 'green', '✓')} ${channel.name} ${action}d`));
    }
    case 'test': {
      if (!first) throw new UsageError('name the channel', 'alerts');
      const delivery = await alerts.engine.test(first);
      const ok = delivery.status === 'sent';
      if (context.json) terminal.out(JSON.stringify({ ok, delivery }, null, 2));
      else if (ok) terminal.out(`${paint(terminal, 'green', '✓')} test message delivered to ${first} (${delivery.attempts} attempt${delivery.attempts === 1 ? '' : 's'})`);
      else terminal.err(`agentdock alerts: test message to ${first} failed after ${delivery.attempts} attempt(s): ${delivery.lastError ?? 'unknown error'}`);
      return ok ? EXIT.ok : EXIT.failed;
    }
    default:
      throw new UsageError('use: alerts channel add|list|remove|enable|disable|test', 'alerts');
  }
}

/** Where a channel sends, without its secret. */
function describe(channel: ChannelRecord): string {
  return channel.kind === 'webhook' ? channel.settings.host : `${channel.settings.to.join(', ')} via ${channel.settings.host}:${channel.settings.port}`;
}

function ruleOverride(values: Values): Record<string, unknown> {
  const override: Record<string, unknown> = {};
  if (values.threshold !== undefined) override.threshold = number(values.threshold, '--threshold');
  if (values['min-requests'] !== undefined) override.minRequests = number(values['min-requests'], '--min-requests');
  if (values['resolve-ratio'] !== undefined) override.resolveRatio = number(values['resolve-ratio'], '--resolve-ratio');
  if (values.severity !== undefined) override.severity = values.severity;
  if (values.enabled !== undefined) {
    if (values.enabled !== 'true' && values.enabled !== 'false') throw new UsageError('--enabled must be true or false', 'alerts');
    override.enabled = values.enabled === 'true';
  }
  return override;
}

function severity(text: string): Severity {
  if (!isSeverity(text)) throw new UsageError('--min-severity must be info, warning or critical', 'alerts');
  return text;
}

function number(text: string, what: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value)) throw new UsageError(`${what} must be a number, got ${JSON.stringify(text)}`, 'alerts');
  return value;
}

function wholeNumber(text: string, what: string): number {
  const value = number(text, what);
  if (!Number.isInteger(value) || value < 0) throw new UsageError(`${what} must be a whole number, got ${JSON.stringify(text)}`, 'alerts');
  return value;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks).toString('utf8');
}
