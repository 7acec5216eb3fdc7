import { createConsoleHandlers, localUser } from '../../core/console/handlers';
import type { ConsoleRole } from '../../../src-shared/ipc/console-types';
import { errorMessage } from '../../core/contracts';
import { startMonitoring } from '../../core/monitoring';
import { CONSOLE_ROLES } from '../../core/store';
import { ConsoleServerListenError, startConsoleServer } from '../../serve/console-server';
import type { ConsoleServer } from '../../serve/console-server';
import { findRendererDir } from '../../serve/renderer-dir';
import { isLoopbackHost } from '../../serve/upgrade-auth';
import { parseCommandArguments } from '../arguments';
import { currentActor, withControlPlane } from '../control-plane-session';
import { table } from '../table';
import { EXIT, paint, UsageError } from '../terminal';
import type { Terminal } from '../terminal';

declare const AGENTDOCK_VERSION: string | undefined;

export const DEFAULT_SERVE_PORT = 7420;

export const serveHelp = `Usage: agentdock serve [--host 127.0.0.1] [--port ${DEFAULT_SERVE_PORT}] [--json]
       agentdock serve token <create|list|revoke> …

Serves the console to a browser: the same app as the desktop window, over a WebSocket with a
session token. Prints the sign-in URL for you (admin; the token is in the #fragment, which the
browser never sends to the server). Runs until Ctrl-C. Monitoring (telemetry, health, alerts)
runs while it is up.
  --host ADDRESS   where to listen (default 127.0.0.1, this machine only). Any other address
                   makes the console reachable from the network, with tokens in clear text (no TLS)
  --port N         default ${DEFAULT_SERVE_PORT}; 0 picks a free port
  --json           print {"ok":true,"url":…} on one line once listening

Sign-ins for other people (seed 004 §5.8.5 roles: admin, developer, viewer; audited):
  agentdock serve token create --role viewer --name bob   the raw token is shown once
  agentdock serve token list [--all]                      ids, names, roles (never tokens)
  agentdock serve token revoke <token-id>                 open sessions with it close within seconds
They sign in at http://<host>:<port>/#token=<token>.
Exit codes: 0 stopped by Ctrl-C (or done), 1 failed, 2 usage error.`;

/** `agentdock serve …`. `stop` resolves when the server should shut down (Ctrl-C / SIGTERM by default). */
export async function runServe(argv: string[], terminal: Terminal, stop: () => Promise<void> = interrupted): Promise<number> {
  if (argv[0] === 'token') return runServeToken(argv.slice(1), terminal);
  const { values } = parseCommandArguments('serve', argv, { host: { type: 'string' }, port: { type: 'string' }, json: { type: 'boolean' } }, 0);
  if (values.help) return (terminal.out(serveHelp), EXIT.ok);
  const host = values.host ?? '127.0.0.1';
  const port = values.port === undefined ? DEFAULT_SERVE_PORT : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new UsageError('--port must be a whole number from 0 to 65535', 'serve');
  const json = Boolean(values.json);
  let rendererDir: string;
  try {
    rendererDir = findRendererDir();
  } catch (error) {
    terminal.err(`agentdock serve: ${errorMessage(error)}`);
    return EXIT.failed;
  }
  const version = typeof AGENTDOCK_VERSION === 'string' ? AGENTDOCK_VERSION : 'dev';
  const log = (line: string): void => terminal.err(line);

  return withControlPlane(
    'serve',
    terminal,
    json,
    async (plane) => {
      const owned: { dispose(): unknown }[] = [];
      let server: ConsoleServer | undefined;
      try {
        const handlers = createConsoleHandlers(plane, { mode: 'serve', version, log });
        owned.push(handlers, startMonitoring(plane, { onError: (error) => log(`agentdock serve: monitoring: ${errorMessage(error)}`) }));
        const user = localUser();
        server = await startConsoleServer({ handlers, rendererDir, adminUser: user, host, port, accessTokens: plane.repositories.consoleAccess, log });
        if (!isLoopbackHost(host)) {
          terminal.err(
            `${paint(terminal, 'yellow', 'warning:')} listening on ${host}: the console is reachable from the network, and without TLS session tokens travel in clear text. ` +
              'Use it only on a network you trust, or keep the default --host 127.0.0.1 and reach it through an SSH tunnel.',
          );
        }
        if (!process.env.AGENTDOCK_MASTER_KEY) {
          // Serve mode has no keychain: the vault key comes from this passphrase (ARCHITECTURE.md §4).
          terminal.err(
            `${paint(terminal, 'yellow', 'warning:')} AGENTDOCK_MASTER_KEY is not set: the console opens, but deploys, API keys and secrets need the vault. ` +
              'Set it to your vault passphrase (a new vault: at least 12 characters, kept safe) and start agentdock serve again.',
          );
        }
        if (json) terminal.out(JSON.stringify({ ok: true, url: server.signInUrl, origin: server.origin, host: server.host, port: server.port, user, role: 'admin' }));
        else {
          terminal.out(`${paint(terminal, 'green', '✓')} AgentDock console for ${user} (admin) at ${server.origin}`);
          terminal.out(`Open this URL in a browser (it signs you in; do not share it):`);
          terminal.out(`  ${server.signInUrl}`);
          terminal.out(paint(terminal, 'dim', 'Others sign in with agentdock serve token create --role viewer --name <who>. Ctrl-C stops.'));
        }
        await stop();
        if (!json) terminal.out('stopping…');
        return EXIT.ok;
      } catch (error) {
        if (!(error instanceof ConsoleServerListenError)) throw error;
        terminal.err(`agentdock serve: ${error.message}`);
        return EXIT.failed;
      } finally {
        // Sockets first (their sessions hold streams over the handlers), then the handlers and the
        // monitors; withControlPlane closes the plane (targets, database) after this.
        await server?.close();
        for (const resource of owned.reverse()) await resource.dispose();
      }
    },
    { retention: true, reconcileOnOpen: true },
  );
}

const tokenHelp = `Usage: agentdock serve token create --role admin|developer|viewer --name WHO [--json]
       agentdock serve token list [--all] [--json]
       agentdock serve token revoke <token-id> [--json]`;

/** `agentdock serve token …`: console sign-ins beyond the local user. */
async function runServeToken(argv: string[], terminal: Terminal): Promise<number> {
  const [verb, ...rest] = argv;
  if (!verb || verb === '-h' || verb === '--help') return (terminal.out(tokenHelp), verb ? EXIT.ok : EXIT.usage);
  const { values, positionals } = parseCommandArguments('serve', rest, { role: { type: 'string' }, name: { type: 'string' }, all: { type: 'boolean' }, json: { type: 'boolean' } }, 1);
  if (values.help) return (terminal.out(tokenHelp), EXIT.ok);
  const json = Boolean(values.json);
  const emit = (value: Record<string, unknown>, human: () => void): number => {
    if (json) terminal.out(JSON.stringify({ ok: true, ...value }, null, 2));
    else human();
    return EXIT.ok;
  };
  switch (verb) {
    case 'create': {
      if (positionals.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}; use --name`, 'serve');
      const role = values.role;
      if (typeof role !== 'string' || !CONSOLE_ROLES.includes(role as ConsoleRole)) throw new UsageError('--role is required: admin, developer or viewer', 'serve');
      if (typeof values.name !== 'string' || values.name.trim() === '') throw new UsageError('--name is required (who the token is for, e.g. --name bob)', 'serve');
      const name = values.name;
      return withControlPlane('serve', terminal, json, async (plane) => {
        const actor = currentActor();
        const { token, raw } = plane.repositories.consoleAccess.create({ name, role: role as ConsoleRole, createdBy: actor });
        plane.repositories.audit.record({ actor, role: 'admin', action: 'console-token:create', target: `console-token:${token.id}`, success: true, details: { name: token.name, role: token.role } });
        return emit({ id: token.id, name: token.name, role: token.role, token: raw }, () => {
          terminal.out(`${paint(terminal, 'green', '✓')} created console token ${token.id} for ${token.name} (${token.role}). Copy it now — it is not shown again:`);
          terminal.out(raw);
          terminal.out(paint(terminal, 'dim', `${token.name} signs in at http://<host>:<port>/#token=<token> of a running agentdock serve.`));
        });
      });
    }
    case 'list': {
      if (positionals.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}`, 'serve');
      return withControlPlane('serve', terminal, json, async (plane) => {
        const tokens = plane.repositories.consoleAccess.list({ includeRevoked: Boolean(values.all) });
        return emit({ tokens }, () =>
          table(
            terminal,
            ['ID', 'NAME', 'ROLE', 'PREFIX', 'CREATED', 'LAST USED', 'REVOKED'],
            tokens.map((token) => [token.id, token.name, token.role, `${token.prefix}…`, token.createdAt, token.lastUsedAt ?? '', token.revokedAt ?? '']),
          ),
        );
      });
    }
    case 'revoke': {
      const id = positionals[0];
      if (!id) throw new UsageError('name the token id: agentdock serve token revoke <token-id> (see agentdock serve token list)', 'serve');
      return withControlPlane('serve', terminal, json, async (plane) => {
        const actor = currentActor();
        const token = plane.repositories.consoleAccess.revoke(id);
        plane.repositories.audit.record({ actor, role: 'admin', action: 'console-token:revoke', target: `console-token:${token.id}`, success: true, details: { name: token.name, role: token.role } });
        return emit({ id: token.id, revokedAt: token.revokedAt }, () =>
          terminal.out(`${paint(terminal, 'green', '✓')} revoked ${token.id} (${token.name}); its open console sessions close within seconds`),
        );
      });
    }
    default:
      throw new UsageError(`unknown serve token command ${JSON.stringify(verb)}; use create, list or revoke`, 'serve');
  }
}

function interrupted(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
}
