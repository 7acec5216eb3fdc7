/**
 * One Python adapter subprocess (python/agentdock_adapter.py): spawns it, splits its stdout into
 * protocol messages, keeps the tail of its stderr for crash reports, waits for the `ready`
 * handshake, and stops it in escalating steps (shutdown request, SIGTERM, SIGKILL) so no process
 * outlives the runtime. Restarting is the adapter's job (python-adapter.ts), not this one's.
 */
import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import type { Logger } from '../contracts';
import { LineSplitter } from './json-lines';

/** A message from the adapter, parsed but not yet checked beyond being an object with a `type`. */
export type AdapterMessage = Record<string, unknown> & { type: string };

export interface PythonProcessOptions {
  pythonPath: string;
  scriptPath: string;
  projectDir: string;
  entrypoint: string;
  /** Pydantic I/O class paths (`io_schema.input_class`/`output_class`): the adapter reports their JSON Schemas when ready. */
  ioClasses?: { input: string; output: string };
  /** The child's complete environment. */
  env: NodeJS.ProcessEnv;
  readyTimeoutMs: number;
  logger: Logger;
  /** Every message except ready, fatal and log (handled here). */
  onMessage(message: AdapterMessage): void;
  /** Called once, after the process is gone and its stdout drained. */
  onExit(exit: PythonExit): void;
}

export interface PythonExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The last lines the process wrote to stderr (its tracebacks, the agent's prints). */
  stderrTail: string[];
  /** Set when restarting will not help: the entrypoint could not be loaded, or the interpreter not run. */
  fatal?: string;
  /** Set when the process was killed for not becoming ready in time. */
  failure?: string;
}

const STDERR_TAIL_LINES = 20;
const STDERR_LINE_BYTES = 8 * 1024;
/** How long to wait for the last stdout bytes after the process exits, ms. */
const DRAIN_MS = 200;

/** A running adapter subprocess. */
export class PythonProcess {
  /** Resolves with the `ready` message; rejects if the process dies first. */
  readonly ready: Promise<AdapterMessage>;
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly stderrTail: string[] = [];
  private readonly exitPromise: Promise<void>;
  private fatal: string | undefined;
  private failure: string | undefined;
  private isReady = false;
  private hasExited = false;

  constructor(private readonly options: PythonProcessOptions) {
    let resolveReady!: (message: AdapterMessage) => void;
    let rejectReady!: (error: Error) => void;
    this.ready = new Promise((resolve, reject) => {
      resolveReady = resolve;
      rejectReady = reject;
    });
    this.ready.catch(() => {}); // The owner learns of early deaths through onExit.

    this.child = spawn(options.pythonPath, ['-u', options.scriptPath, '--project-dir', options.projectDir, '--entrypoint', options.entrypoint, ...(options.ioClasses ? ['--input-class', options.ioClasses.input, '--output-class', options.ioClasses.output] : [])], {
      cwd: options.projectDir,
      env: options.env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    // Writing to a child that just died raises EPIPE here; the exit handler reports the death.
    for (const stream of [this.child.stdin, this.child.stdout, this.child.stderr]) stream.on('error', () => {});

    const stdout = new LineSplitter({
      line: (text) => this.onLine(text, resolveReady),
      oversized: (bytes) => options.logger.warn('python adapter: dropped an oversized protocol line', { bytes }),
    });
    this.child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    const stdoutEnded = new Promise<void>((resolve) => this.child.stdout.once('close', resolve));

    const stderr = new LineSplitter(
      {
        line: (text) => {
          this.stderrTail.push(text);
          if (this.stderrTail.length > STDERR_TAIL_LINES) this.stderrTail.shift();
          options.logger.info('agent stderr', { line: text });
        },
        oversized: (bytes) => options.logger.info('agent stderr', { line: `[${bytes} bytes without a newline]` }),
      },
      STDERR_LINE_BYTES,
    );
    this.child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));

    const readyTimer = setTimeout(() => {
      if (this.isReady || this.hasExited) return;
      this.failure = `the Python adapter did not become ready within ${options.readyTimeoutMs} ms`;
      this.child.kill('SIGKILL');
    }, options.readyTimeoutMs);

    this.exitPromise = new Promise((resolve) => {
      let spawnError: Error | undefined;
      // 'error' also fires when a kill or a pipe write fails; only a failed spawn (ENOENT,
      // EACCES) ends the process, and no 'exit' follows it.
      this.child.on('error', (error) => {
        if (this.child.pid !== undefined) return;
        spawnError = error;
        finish(null, null);
      });
      const finish = (code: number | null, signal: NodeJS.Signals | null): void => {
        if (this.hasExited) return;
        this.hasExited = true;
        clearTimeout(readyTimer);
        if (spawnError) this.fatal = `cannot run ${options.pythonPath}: ${spawnError.message}`;
        const drained = Promise.race([stdoutEnded, new Promise<void>((done) => setTimeout(done, DRAIN_MS))]);
        void drained.then(() => {
          stdout.end();
          stderr.end();
          rejectReady(new Error('the Python adapter exited before it was ready'));
          options.onExit({
            code,
            signal,
            stderrTail: [...this.stderrTail],
            ...(this.fatal !== undefined ? { fatal: this.fatal } : {}),
            ...(this.failure !== undefined ? { failure: this.failure } : {}),
          });
          resolve();
        });
      };
      this.child.once('exit', finish);
    });
  }

  /** The OS process id (undefined if the spawn failed). */
  get pid(): number | undefined {
    return this.child.pid;
  }

  /** True once the process has exited. */
  get exited(): boolean {
    return this.hasExited;
  }

  /** Writes one protocol message; false if the process is gone. */
  send(message: Record<string, unknown>): boolean {
    if (this.hasExited || !this.child.stdin.writable) return false;
    this.child.stdin.write(`${JSON.stringify(message)}\n`);
    return true;
  }

  /** Asks the adapter to exit, then escalates to SIGTERM and SIGKILL; resolves once it is gone. */
  async stop(graceMs: number): Promise<void> {
    if (!this.hasExited) {
      this.send({ op: 'shutdown' });
      this.child.stdin.end();
      if (!(await this.exitWithin(graceMs))) {
        this.child.kill('SIGTERM');
        if (!(await this.exitWithin(graceMs))) this.child.kill('SIGKILL');
      }
    }
    await this.exitPromise;
  }

  /** Kills the process at once (tests use this to simulate a crash from outside). */
  kill(signal: NodeJS.Signals = 'SIGKILL'): void {
    if (!this.hasExited) this.child.kill(signal);
  }

  private async exitWithin(ms: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), ms);
    });
    const exited = await Promise.race([this.exitPromise.then(() => true as const), timedOut]);
    clearTimeout(timer);
    return exited;
  }

  private onLine(text: string, resolveReady: (message: AdapterMessage) => void): void {
    let message: unknown;
    try {
      message = JSON.parse(text);
    } catch {
      this.options.logger.warn('python adapter: ignored a protocol line that is not JSON', { bytes: text.length });
      return;
    }
    if (typeof message !== 'object' || message === null || typeof (message as { type?: unknown }).type !== 'string') {
      this.options.logger.warn('python adapter: ignored a protocol message without a type');
      return;
    }
    const typed = message as AdapterMessage;
    switch (typed.type) {
      case 'ready':
        this.isReady = true;
        resolveReady(typed);
        return;
      case 'fatal':
        this.fatal = String(typed.message ?? 'the entrypoint could not be loaded');
        return;
      case 'log': {
        const level = typed.level === 'error' || typed.level === 'warn' || typed.level === 'debug' ? typed.level : 'info';
        this.options.logger[level](`python adapter: ${String(typed.message ?? '')}`);
        return;
      }
      default:
        this.options.onMessage(typed);
    }
  }
}
