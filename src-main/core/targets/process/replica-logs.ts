/**
 * A replica's two log files, followed: every line goes into the deployment's ring, and lines
 * written by the current process (after the mark taken when it was spawned or adopted) are read
 * for meaning — the "runtime listening" URL on stdout, the last stderr line as the likely reason
 * for an exit.
 */
import { FileTail } from './file-tail';
import type { TailPosition } from './file-tail';
import { lineTime } from './log-ring';
import type { LogRing } from './log-ring';
import { parseListening } from './replica-process';
import type { RunFiles } from './run-files';

export interface ReplicaLogsOptions {
  replica: string;
  files: RunFiles;
  ring: LogRing;
  clock: () => number;
  maxLogBytes: number;
  primeLogBytes: number;
  /** False while the replica has no process: lines then carry no meaning for it. */
  hasProcess: () => boolean;
  onListening: (url: string) => void;
}

/** Follows one replica's stdout and stderr files. */
export class ReplicaLogs {
  /** The current process's last stderr line, if it wrote any. */
  lastStderr: string | undefined;
  private stdoutMark: TailPosition | undefined;
  private stderrMark: TailPosition | undefined;
  private readonly stdout: FileTail;
  private readonly stderr: FileTail;

  constructor(private readonly options: ReplicaLogsOptions) {
    const tail = (file: string, stream: 'stdout' | 'stderr'): FileTail =>
      new FileTail(file, { maxBytes: options.maxLogBytes, primeBytes: options.primeLogBytes, pollMs: 1000, onLine: (line, position) => this.onLine(stream, line, position) });
    this.stdout = tail(options.files.stdoutLog(options.replica), 'stdout');
    this.stderr = tail(options.files.stderrLog(options.replica), 'stderr');
  }

  /** Starts following, primed with the files' last lines (history after a control-plane restart). */
  async init(): Promise<void> {
    await Promise.all([this.stdout.start(), this.stderr.start()]);
  }

  /** Only lines written from now on belong to the process about to be spawned (or just adopted). */
  async markNewProcess(): Promise<void> {
    this.stdoutMark = await this.stdout.endPosition();
    this.stderrMark = await this.stderr.endPosition();
    this.lastStderr = undefined;
  }

  /** Reads whatever is new now (before acting on an exit). */
  async flush(): Promise<void> {
    await Promise.all([this.stdout.poll(), this.stderr.poll()]);
  }

  close(): void {
    this.stdout.close();
    this.stderr.close();
  }

  private onLine(stream: 'stdout' | 'stderr', line: string, position: TailPosition): void {
    this.options.ring.push({ replica: this.options.replica, stream, time: lineTime(line, () => new Date(this.options.clock())), line });
    const mark = stream === 'stdout' ? this.stdoutMark : this.stderrMark;
    const current = mark !== undefined && (position.epoch > mark.epoch || position.offset >= mark.offset);
    if (!current || !this.options.hasProcess()) return;
    if (stream === 'stderr') {
      this.lastStderr = line;
      return;
    }
    if (!line.includes('runtime listening')) return;
    const url = parseListening(line);
    if (url) this.options.onListening(url);
  }
}
