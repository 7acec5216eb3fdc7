/** Process entry of the bundled CLI (out/cli/agentdock.js). */
import { runCli } from './main';

runCli(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`agentdock: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
