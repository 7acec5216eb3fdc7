import { runCli } from './main';
import type { Terminal } from './terminal';

/** What a command printed and returned. */
export interface CommandRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** A terminal without colour that keeps every line. */
export function capturedTerminal(): Terminal & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (line) => stdout.push(line), err: (line) => stderr.push(line), color: false };
}

/** Runs `command` on a captured terminal. */
export async function runCaptured(command: (terminal: Terminal) => Promise<number>): Promise<CommandRun> {
  const terminal = capturedTerminal();
  const code = await command(terminal);
  return { code, stdout: terminal.stdout.join('\n'), stderr: terminal.stderr.join('\n') };
}

/** `agentdock <args>` in this process, captured. */
export function cli(args: string[]): Promise<CommandRun> {
  return runCaptured((terminal) => runCli(args, terminal));
}

/** Sets environment variables for a test file (the CLI reads AGENTDOCK_HOME and friends from there); returns the function that restores them. */
export function setEnv(values: Record<string, string>): () => void {
  const saved = Object.fromEntries(Object.keys(values).map((name) => [name, process.env[name]]));
  Object.assign(process.env, values);
  return () => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
}
