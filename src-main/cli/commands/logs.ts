import type { Disposable, LogLine, TargetKind } from '../../core/contracts';
import { parseCommandArguments } from '../arguments';
import { withControlPlane } from '../control-plane-session';
import { EXIT, paint, UsageError } from '../terminal';
import type { Terminal } from '../terminal';

export const logsHelp = `Usage: agentdock logs <agent> [-f] [--tail N] [--target process|docker|kubernetes] [--json]

The runtime's log lines of the agent's active version, every replica interleaved, each line
prefixed with its replica. -f keeps following until Ctrl-C.
  -f, --follow     keep printing new lines
  --tail N         lines to show first (default 100)
  --json           one JSON object per line (replica, stream, time, line)
Exit codes: 0 shown (or followed until interrupted), 1 no such agent or nothing deployed, 2 usage error.`;

/** `agentdock logs`. `stop` resolves when following should end (Ctrl-C by default). */
export async function runLogs(argv: string[], terminal: Terminal, stop: () => Promise<void> = interrupted): Promise<number> {
  const { values, positionals } = parseCommandArguments('logs', argv, { follow: { type: 'boolean', short: 'f' }, tail: { type: 'string' }, target: { type: 'string' }, json: { type: 'boolean' } }, 1);
  if (values.help) return (terminal.out(logsHelp), EXIT.ok);
  const agent = positionals[0];
  if (!agent) throw new UsageError('name the agent: agentdock logs <agent>', 'logs');
  const tail = values.tail === undefined ? 100 : Number(values.tail);
  if (!Number.isInteger(tail) || tail < 0) throw new UsageError('--tail must be a whole number of lines', 'logs');
  const json = Boolean(values.json);
  return withControlPlane('logs', terminal, json, async (plane) => {
    const print = (line: LogLine & { version: string }): void => {
      if (json) terminal.out(JSON.stringify(line));
      else terminal.out(`${paint(terminal, line.stream === 'stderr' ? 'yellow' : 'dim', `${line.replica} |`)} ${line.line}`);
    };
    const follow = Boolean(values.follow);
    let failure: Error | undefined;
    let stream: Disposable | undefined;
    try {
      await new Promise<void>((resolve) => {
        const onEnd = (error?: Error): void => {
          failure = error;
          resolve();
        };
        stream = plane.operations().logs(agent, { tail, follow, onEnd, ...(values.target ? { target: values.target as TargetKind } : {}) }, print);
        if (follow) void stop().then(resolve);
      });
    } finally {
      stream?.dispose();
    }
    if (failure) {
      terminal.err(`agentdock logs: could not read the logs of ${agent}: ${failure.message}`);
      return EXIT.failed;
    }
    return EXIT.ok;
  });
}

function interrupted(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
}

