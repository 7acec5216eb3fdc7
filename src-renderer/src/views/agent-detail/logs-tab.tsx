/**
 * Logs: a live tail of the active deployment's replicas (`logs:tail`), virtualised, the newest
 * 5,000 lines kept. Level filter (read from the runtime's JSON lines), search, Pause (new lines
 * are held, not lost, up to the same bound) and follow-to-bottom that lets go when you scroll up.
 */
import { useDeferredValue, useEffect, useMemo, useRef, useState } from 'react';
import type { ReactNode } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { LogTailBatch } from '../../../../src-shared/ipc/console-types';
import { ConsoleRequestError } from '../../../../src-shared/ipc/envelope';
import type { ConsoleErrorBody } from '../../../../src-shared/ipc/envelope';
import { ErrorMessage } from '../../components/error-message';
import { useConsoleStream } from '../../console/requests';
import { appendBounded, LOG_BUFFER_LINES, LOG_LEVELS, matchesFilter, parseLogLine } from './log-line';
import type { LogLevel, ParsedLogLine } from './log-line';

const ROW_HEIGHT = 20;
/** Lines asked for when the tab opens. */
const TAIL_LINES = 1000;

/** The Logs tab (developers and admins; main refuses viewers). */
export function LogsTab({ agent }: { agent: string }): ReactNode {
  const [lines, setLines] = useState<ParsedLogLine[]>([]);
  const [paused, setPaused] = useState(false);
  const [heldCount, setHeldCount] = useState(0);
  const [minLevel, setMinLevel] = useState<LogLevel>('debug');
  const [search, setSearch] = useState('');
  const [follow, setFollow] = useState(true);
  const [ended, setEnded] = useState<ConsoleErrorBody | null>(null);
  const [attempt, setAttempt] = useState(0);
  const held = useRef<ParsedLogLine[]>([]);
  const pausedRef = useRef(paused);
  pausedRef.current = paused;
  const nextId = useRef(0);

  const onBatch = (batch: LogTailBatch): void => {
    const parsed = batch.lines.map((line) => parseLogLine(line, nextId.current++));
    if (pausedRef.current) {
      held.current = appendBounded(held.current, parsed);
      setHeldCount(held.current.length);
      return;
    }
    setLines((current) => appendBounded(current, parsed));
  };

  const reconnect = (): void => {
    // The tail is replayed on a new subscription: start from an empty view so nothing shows twice.
    held.current = [];
    setHeldCount(0);
    setLines([]);
    setEnded(null);
    setAttempt((value) => value + 1);
  };

  const togglePause = (): void => {
    if (paused) {
      const backlog = held.current;
      held.current = [];
      setHeldCount(0);
      setLines((current) => appendBounded(current, backlog));
    }
    setPaused(!paused);
  };

  const deferredSearch = useDeferredValue(search);
  const visible = useMemo(() => lines.filter((line) => matchesFilter(line, { minLevel, search: deferredSearch })), [lines, minLevel, deferredSearch]);

  return (
    <div className="logs">
      <LogTailSubscription key={attempt} agent={agent} onBatch={onBatch} onEnd={(error) => setEnded(error ?? { code: 'E3004', name: 'Disconnected', message: 'The log stream ended.' })} />
      <div className="toolbar">
        <button type="button" className="button small" aria-pressed={paused} onClick={togglePause}>
          {paused ? `Resume (${heldCount} held)` : 'Pause'}
        </button>
        <label className="field inline">
          <span>Level</span>
          <select className="input" value={minLevel} onChange={(event) => setMinLevel(event.target.value as LogLevel)} aria-label="Least level shown">
            {LOG_LEVELS.map((level) => (
              <option key={level} value={level}>
                {level === 'debug' ? 'all' : `${level} and above`}
              </option>
            ))}
          </select>
        </label>
        <input className="input" type="search" placeholder="Search logs" aria-label="Search logs" value={search} onChange={(event) => setSearch(event.target.value)} />
        <label className="field checkbox">
          <input type="checkbox" checked={follow} onChange={(event) => setFollow(event.target.checked)} />
          <span>Follow</span>
        </label>
        <button type="button" className="button small ghost" onClick={() => setLines([])}>
          Clear
        </button>
        <span className="muted" aria-live="polite">
          {visible.length === lines.length ? `${lines.length} lines` : `${visible.length} of ${lines.length} lines`}
          {lines.length >= LOG_BUFFER_LINES ? ` (newest ${LOG_BUFFER_LINES} kept)` : ''}
          {paused ? ' · paused: new lines are held' : ''}
        </span>
      </div>
      {ended ? <ErrorMessage error={new ConsoleRequestError(ended)} title="The log stream ended" onRetry={reconnect} /> : null}
      <LogView agent={agent} lines={visible} follow={follow} onFollowChange={setFollow} empty={lines.length === 0 ? `No log lines yet from ${agent}.` : 'No lines match the filter.'} />
    </div>
  );
}

/** Holds the subscription; remounted (a new `key`) to subscribe again after the stream ended. */
function LogTailSubscription({ agent, onBatch, onEnd }: { agent: string; onBatch(batch: LogTailBatch): void; onEnd(error?: ConsoleErrorBody): void }): null {
  useConsoleStream('logs:tail', { agent, tail: TAIL_LINES }, onBatch, { onEnd });
  return null;
}

function LogView({ agent, lines, follow, onFollowChange, empty }: { agent: string; lines: readonly ParsedLogLine[]; follow: boolean; onFollowChange(follow: boolean): void; empty: string }): ReactNode {
  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({ count: lines.length, getScrollElement: () => scroller.current, estimateSize: () => ROW_HEIGHT, overscan: 20 });

  useEffect(() => {
    if (follow && lines.length > 0) virtualizer.scrollToIndex(lines.length - 1, { align: 'end' });
  }, [follow, lines, virtualizer]);

  return (
    <div
      ref={scroller}
      className="log-scroller"
      role="log"
      aria-label={`${agent} logs`}
      aria-live="off"
      tabIndex={0}
      onScroll={(event) => {
        const element = event.currentTarget;
        // Scrolling up lets go of the bottom; scrolling back down to it follows again.
        const atBottom = element.scrollHeight - element.scrollTop - element.clientHeight < ROW_HEIGHT * 2;
        if (atBottom !== follow) onFollowChange(atBottom);
      }}
    >
      {lines.length === 0 ? <p className="muted log-empty">{empty}</p> : null}
      <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
        {virtualizer.getVirtualItems().map((item) => {
          const line = lines[item.index];
          if (!line) return null;
          return (
            <div key={line.id} className={`log-row level-${line.level}`} style={{ position: 'absolute', top: 0, left: 0, right: 0, height: ROW_HEIGHT, transform: `translateY(${item.start}px)` }} title={line.raw} data-level={line.level}>
              <span className="log-time">{timeOf(line.time)}</span>
              <span className="log-level">{line.level}</span>
              <span className="log-replica">{line.replica}</span>
              <span className="log-message">
                {line.message}
                {line.fields ? <span className="log-fields"> {line.fields}</span> : null}
              </span>
            </div>
          );
        })}
      </div>
    </div>
  );
}

/** `HH:MM:SS.mmm` in local time. */
function timeOf(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '--:--:--.---';
  const pad = (value: number, width = 2): string => String(value).padStart(width, '0');
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
}
