import { memo, useEffect, useRef, useState } from 'react';
import type { ReactNode } from 'react';
import type { LiveEvent } from '../../../../src-shared/ipc/console-types';
import { ErrorMessage } from '../../components/error-message';
import { useConsoleStream } from '../../console/requests';
import { formatClock } from '../../format/format';
import { FrameBatcher } from '../../hooks/frame-batcher';
import { severityOf } from './event-severity';

const KEEP = 500;

/** Live runtime events for one agent (or every agent): newest first, coloured by severity, expandable, pausable. */
export function EventsTab({ agent }: { agent?: string }): ReactNode {
  const [events, setEvents] = useState<LiveEvent[]>([]);
  const [paused, setPaused] = useState(false);
  const [ended, setEnded] = useState<unknown>(null);
  const held = useRef<LiveEvent[]>([]);
  const pausedRef = useRef(paused);
  pausedRef.current = paused;
  // Events arrive one WebSocket message each: render them once a frame, newest first.
  const [batcher] = useState(() => new FrameBatcher<LiveEvent>((batch) => setEvents((current) => [...batch.reverse(), ...current].slice(0, KEEP))));
  useEffect(() => () => batcher.dispose(), [batcher]);

  useConsoleStream(
    'telemetry:events',
    agent === undefined ? {} : { agent },
    (event) => {
      if (pausedRef.current) {
        held.current.push(event);
        if (held.current.length > KEEP) held.current.splice(0, held.current.length - KEEP);
        return;
      }
      batcher.push(event);
    },
    { onEnd: (error) => setEnded(error ? Object.assign(new Error(error.message), { code: error.code }) : null) },
  );

  const togglePause = (): void => {
    if (paused) {
      const backlog = held.current.splice(0).reverse();
      setEvents((current) => [...backlog, ...current].slice(0, KEEP));
    }
    setPaused(!paused);
  };

  return (
    <div className="events">
      <div className="toolbar">
        <button type="button" className="button small" aria-pressed={paused} onClick={togglePause}>
          {paused ? `Resume (${held.current.length} held)` : 'Pause'}
        </button>
        <button type="button" className="button small ghost" onClick={() => setEvents([])}>
          Clear
        </button>
        <span className="muted">{paused ? 'Paused: new events are held.' : 'Live.'}</span>
      </div>
      {ended ? <ErrorMessage error={ended} title="The event stream ended" /> : null}
      {events.length === 0 ? <p className="muted">No events yet. Invoke {agent ?? 'an agent'} to see some.</p> : null}
      <ol className="event-log" aria-label={agent === undefined ? 'Fleet events' : `${agent} events`} aria-live={paused ? 'off' : 'polite'}>
        {events.map((event) => (
          <EventRow key={`${event.source}-${event.eventId}`} event={event} showAgent={agent === undefined} />
        ))}
      </ol>
    </div>
  );
}

/** One event; memoised, so a new batch renders only its own rows (each row stringifies its data). */
const EventRow = memo(function EventRow({ event, showAgent }: { event: LiveEvent; showAgent: boolean }): ReactNode {
  return (
    <li className={`event severity-${severityOf(event)}`} data-event-type={event.type} data-time={event.time}>
      <details>
        <summary>
          <span className="mono muted">{formatClock(event.time)}</span> <span className="event-type">{event.type}</span>{' '}
          {showAgent ? <span className="mono">{event.agent} </span> : null}
          <span className="muted">{summaryOf(event)}</span>
        </summary>
        <pre className="mono">{JSON.stringify(event.data, null, 2)}</pre>
      </details>
    </li>
  );
});

/** One line about the event: its message, or the fields that say what happened for the runtime's own types. */
function summaryOf(event: LiveEvent): string {
  const data = event.data;
  const message = data.message ?? data.reason ?? data.detail ?? data.msg;
  if (typeof message === 'string') return message.slice(0, 160);
  switch (event.type) {
    case 'progress':
      return `${String(data.done)} / ${String(data.total)} ${String(data.unit ?? 'items')}`;
    case 'run_end':
      return `${String(data.status)}${typeof data.error === 'string' ? ` (${data.error})` : ''} in ${String(data.latencyMs)} ms`;
    case 'llm_call':
      return `${String(data.model)}: ${String((data.usage as { inputTokens?: number } | undefined)?.inputTokens ?? 0)} in / ${String((data.usage as { outputTokens?: number } | undefined)?.outputTokens ?? 0)} out tokens`;
    case 'policy':
      return data.kind === 'pii_audit' ? `audit: ${String(data.piiType)} in ${String(data.field)}` : `${String(data.rule)} ${String(data.action)}${typeof data.count === 'number' && data.count > 1 ? ` ×${data.count}` : ''}`;
    case 'breaker':
      return `${String(data.service)}: ${String(data.from)} → ${String(data.to)}`;
    default:
      return '';
  }
}
