/** Process entry of the bundled CLI (out/cli/agentdock.js). */
import { runCli } from './main';

let finished = false;
// If the event loop ever empties while a command is still awaiting something (a bug: a wait on an
// unref'd timer or handle), say so and fail rather than exit 0 as if the command had succeeded.
process.on('beforeExit', () => {
  if (finished) return;
  finished = true;
  process.stderr.write('agentdock: internal error: the command stopped before finishing (nothing left to wait on); nothing was reported as done. Please report this.\n');
  process.exitCode = 1;
});

runCli(process.argv.slice(2)).then(
  (code) => {
    finished = true;
    process.exitCode = code;
  },
  (error: unknown) => {
    finished = true;
    process.stderr.write(`agentdock: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
