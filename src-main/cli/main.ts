/**
 * The `agentdock` command: a thin front end on the control-plane core for terminals and CI.
 * Deterministic exit codes (0 ok, 1 failed, 2 usage), plain output when not on a TTY.
 */
import { auditHelp, runAudit } from './commands/audit';
import { cleanupHelp, runCleanup } from './commands/cleanup';
import { deployHelp, rollbackHelp, runDeploy, runRollback } from './commands/deploy';
import { demoHelp, runDemoCommand } from './commands/demo';
import { exportHelp, runExport } from './commands/export';
import { LIFECYCLE_ACTIONS } from '../core/controller/agent-operations';
import type { LifecycleAction } from '../core/controller/agent-operations';
import { runInit, initHelp } from './commands/init';
import { lifecycleCommand, lifecycleHelp, lifecycleSummary } from './commands/lifecycle';
import { logsHelp, runLogs } from './commands/logs';
import { metricsHelp, runMetrics } from './commands/metrics';
import { alertsHelp, runAlerts } from './commands/notifications';
import { keyHelp, runKey } from './commands/keys';
import { runSecret, secretHelp } from './commands/secret';
import { runServe, serveHelp } from './commands/serve';
import { runStatus, runVersions, statusHelp, versionsHelp } from './commands/status';
import { runValidate, validateHelp } from './commands/validate';
import { EXIT, processTerminal, UsageError } from './terminal';
import type { Terminal } from './terminal';

declare const AGENTDOCK_VERSION: string | undefined;

interface Command {
  summary: string;
  help: string;
  run(argv: string[], terminal: Terminal): Promise<number>;
}

const COMMANDS: Record<string, Command> = {
  validate: { summary: 'check a Dockfile as precisely as a compiler checks code', help: validateHelp, run: runValidate },
  init: { summary: 'create a working agent project with a Dockfile', help: initHelp, run: runInit },
  deploy: { summary: 'deploy the agent as a new version (health-gated, automatic rollback)', help: deployHelp, run: runDeploy },
  status: { summary: 'agents, their active versions, replicas and health', help: statusHelp, run: runStatus },
  versions: { summary: "an agent's immutable versions", help: versionsHelp, run: runVersions },
  rollback: { summary: 'redeploy an earlier version', help: rollbackHelp, run: runRollback },
  export: { summary: 'a version as Kubernetes manifests or a Helm chart, for GitOps', help: exportHelp, run: runExport },
  logs: { summary: "the agent's runtime logs, every replica (-f to follow)", help: logsHelp, run: (argv, terminal) => runLogs(argv, terminal) },
  ...lifecycleCommands(),
  key: { summary: 'create, list, rotate and revoke API keys', help: keyHelp, run: runKey },
  secret: { summary: 'manage encrypted secrets in the vault', help: secretHelp, run: (argv, terminal) => runSecret(argv, terminal) },
  audit: { summary: 'the append-only audit log', help: auditHelp, run: runAudit },
  alerts: { summary: 'notifications, alert history and rules; webhook and e-mail channels', help: alertsHelp, run: (argv, terminal) => runAlerts(argv, terminal) },
  metrics: { summary: 'export telemetry: throughput, latency, errors, spend, budget (csv|json)', help: metricsHelp, run: runMetrics },
  cleanup: { summary: 'remove leftover replicas, old builds and images (--dry-run first)', help: cleanupHelp, run: runCleanup },
  demo: { summary: 'the offline conference demo: a lead-generation agent over 100 leads, no network', help: demoHelp, run: (argv, terminal) => runDemoCommand(argv, terminal) },
  serve: { summary: 'the console in a browser (127.0.0.1 by default) and console sign-in tokens', help: serveHelp, run: (argv, terminal) => runServe(argv, terminal) },
};

/** stop, start, restart, suspend, resume, delete: one shape, one implementation. */
function lifecycleCommands(): Record<LifecycleAction, Command> {
  return Object.fromEntries(LIFECYCLE_ACTIONS.map((action) => [action, { summary: lifecycleSummary(action), help: lifecycleHelp(action), run: lifecycleCommand(action) }])) as Record<LifecycleAction, Command>;
}

/** The version baked in at build time (esbuild define), or read from package.json in development. */
function version(): string {
  return typeof AGENTDOCK_VERSION === 'string' ? AGENTDOCK_VERSION : 'dev';
}

function mainHelp(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((name) => name.length));
  const lines = Object.entries(COMMANDS).map(([name, command]) => `  ${name.padEnd(width)}  ${command.summary}`);
  return `AgentDock ${version()} — deploy, govern and observe LLM agents.

Usage: agentdock <command> [options]

Commands:
${lines.join('\n')}

Options:
  -h, --help     show help (also: agentdock <command> --help)
  -v, --version  print the version

Exit codes: 0 success, 1 failure, 2 usage error.`;
}

/** Runs the CLI with the given arguments (without `node` and the script path); resolves to the exit code. */
export async function runCli(argv: string[], terminal: Terminal = processTerminal()): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '-h' || name === '--help' || name === 'help') {
    const topic = name === 'help' ? rest[0] : undefined;
    const command = topic ? COMMANDS[topic] : undefined;
    terminal.out(command ? command.help : mainHelp());
    return topic && !command ? EXIT.usage : name === undefined ? EXIT.usage : EXIT.ok;
  }
  if (name === '-v' || name === '--version') {
    terminal.out(version());
    return EXIT.ok;
  }
  const command = COMMANDS[name];
  if (!command) {
    terminal.err(`agentdock: unknown command ${JSON.stringify(name)}. Commands: ${Object.keys(COMMANDS).join(', ')}. See agentdock --help.`);
    return EXIT.usage;
  }
  try {
    return await command.run(rest, terminal);
  } catch (error) {
    if (error instanceof UsageError) {
      terminal.err(`agentdock ${name}: ${error.message}`);
      terminal.err(`See agentdock ${name} --help.`);
      return EXIT.usage;
    }
    terminal.err(`agentdock ${name}: unexpected failure: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return EXIT.failed;
  }
}
