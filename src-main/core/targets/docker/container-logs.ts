/**
 * Replica logs from the engine: `container.logs` (json-file driver) demultiplexed into stdout and
 * stderr lines with the engine's timestamps. A follow survives the replica's restarts: Docker ends
 * a follow stream when the container stops, so we wait for it to run again and resume from just
 * after the last line we delivered.
 */
import { Readable, Writable } from 'node:stream';
import type Dockerode from 'dockerode';
import type { Disposable, LogLine, LogOptions } from '../../contracts';

export interface LogSource {
  container: Dockerode.Container;
  /** Replica id reported in each LogLine. */
  replica: string;
}

export interface ContainerLogOptions extends LogOptions {
  /** How often to look whether a stopped replica runs again, in ms (follow only). */
  pollMs?: number;
}

/** Engine timestamp (RFC 3339, ns) → the `since` value (seconds.nanoseconds) `offsetNs` later. */
export function sinceAfter(timestamp: string, offsetNs: 0 | 1 = 1): string | undefined {
  const match = /^(.*?T\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)$/.exec(timestamp);
  if (!match) return undefined;
  const seconds = Date.parse(`${match[1]}${match[3]}`) / 1000;
  if (!Number.isFinite(seconds)) return undefined;
  const nanos = Number((match[2] ?? '').padEnd(9, '0')) + offsetNs;
  return nanos >= 1e9 ? `${seconds + 1}.000000000` : `${seconds}.${String(nanos).padStart(9, '0')}`;
}

/** Splits a byte stream into lines, each `<timestamp> <text>` as the engine writes them. */
class LineSink extends Writable {
  private pending = '';

  constructor(private readonly deliver: (raw: string) => void) {
    super();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: () => void): void {
    this.pending += chunk.toString('utf8');
    const lines = this.pending.split('\n');
    this.pending = lines.pop() ?? '';
    for (const line of lines) this.deliver(line);
    done();
  }

  flushPending(): void {
    if (this.pending !== '') this.deliver(this.pending);
    this.pending = '';
  }
}

function isoTime(engineTime: string, fallback: Date): string {
  const parsed = Date.parse(engineTime);
  return Number.isNaN(parsed) ? fallback.toISOString() : new Date(parsed).toISOString();
}

/** Streams the replicas' logs to `onLine`; dispose stops following. */
export function streamContainerLogs(docker: Dockerode, sources: LogSource[], options: ContainerLogOptions, onLine: (line: LogLine) => void, clock: () => Date = () => new Date()): Disposable {
  const abort = new AbortController();
  const timers = new Set<NodeJS.Timeout>();
  const sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.add(timer);
    });

  const follow = async (source: LogSource): Promise<void> => {
    let lastTime: string | undefined;
    const sinks = (): [LineSink, LineSink] => {
      const make = (stream: LogLine['stream']): LineSink =>
        new LineSink((raw) => {
          const space = raw.indexOf(' ');
          const engineTime = space > 0 ? raw.slice(0, space) : '';
          if (engineTime) lastTime = engineTime;
          if (!abort.signal.aborted) onLine({ replica: source.replica, stream, time: isoTime(engineTime, clock()), line: space > 0 ? raw.slice(space + 1) : raw });
        });
      return [make('stdout'), make('stderr')];
    };
    const base = { stdout: true, stderr: true, timestamps: true } as const;

    if (!options.follow) {
      const buffer = await source.container.logs({ ...base, follow: false, ...(options.tail !== undefined && { tail: options.tail }) });
      const [out, err] = sinks();
      await pump(docker, Readable.from([buffer]), out, err);
      return;
    }
    let first = true;
    // Where to resume after a restart when nothing was delivered yet: the new run's start.
    let restartedAt: string | undefined;
    while (!abort.signal.aborted) {
      const since = lastTime !== undefined ? sinceAfter(lastTime) : restartedAt !== undefined ? sinceAfter(restartedAt, 0) : undefined;
      const stream = await source.container.logs({
        ...base,
        follow: true,
        abortSignal: abort.signal,
        ...(first && options.tail !== undefined && since === undefined && { tail: options.tail }),
        ...(since !== undefined && { since }),
      });
      first = false;
      const [out, err] = sinks();
      await pump(docker, stream, out, err);
      // The stream ended: the container stopped (or was removed). Wait until it runs again.
      for (;;) {
        if (abort.signal.aborted) return;
        await sleep(options.pollMs ?? 500);
        try {
          const state = (await source.container.inspect()).State;
          if (state.Running) {
            restartedAt = state.StartedAt;
            break;
          }
        } catch (error) {
          if ((error as { statusCode?: number }).statusCode === 404) return;
        }
      }
    }
  };

  const all = sources.map((source) =>
    follow(source).catch(() => {
      // A replica removed mid-follow, or the abort itself: nothing to report to a log reader.
    }),
  );
  if (!options.follow) void Promise.all(all).then(() => abort.signal.aborted || options.onEnd?.());
  return {
    dispose(): void {
      abort.abort();
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
    },
  };
}

/** Demultiplexes one engine log stream into the two sinks; resolves when it ends or fails. */
function pump(docker: Dockerode, stream: NodeJS.ReadableStream, out: LineSink, err: LineSink): Promise<void> {
  return new Promise((resolve) => {
    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      out.flushPending();
      err.flushPending();
      resolve();
    };
    docker.modem.demuxStream(stream, out, err);
    stream.on('end', finish);
    stream.on('close', finish);
    stream.on('error', finish);
  });
}
