import { useMemo, useRef, useState } from 'react';
import type { ReactNode } from 'react';
import { useInfiniteQuery } from '@tanstack/react-query';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { AuditPage, AuditRow } from '../../../../src-shared/ipc/admin-types';
import { ErrorMessage } from '../../components/error-message';
import { callConsole } from '../../console/requests';
import { formatDateTime } from '../../format/format';
import { actionSuggestions, auditListInput, detailsSummary, EMPTY_FILTER, hasFilter } from './audit-filter';
import type { AuditFilterForm } from './audit-filter';
import '../admin-views.css';

const ROW_HEIGHT = 34;

/** Who did what, when: the admin audit log and the secret audit trail, filtered, newest first, a page at a time. */
export function AuditView(): ReactNode {
  const [draft, setDraft] = useState<AuditFilterForm>(EMPTY_FILTER);
  const [applied, setApplied] = useState<AuditFilterForm>(EMPTY_FILTER);
  const log = useInfiniteQuery<AuditPage, Error, AuditPage[], readonly unknown[], string | undefined>({
    queryKey: ['audit:list', applied],
    queryFn: ({ pageParam }) => callConsole('audit:list', auditListInput(applied, pageParam)),
    initialPageParam: undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    select: (data) => data.pages,
    staleTime: 0,
  });
  const rows = useMemo(() => (log.data ?? []).flatMap((page) => page.entries), [log.data]);
  const suggestions = useMemo(() => actionSuggestions(rows), [rows]);
  const field = (key: keyof AuditFilterForm) => ({ value: draft[key], onChange: (event: { target: { value: string } }) => setDraft((current) => ({ ...current, [key]: event.target.value })) });

  return (
    <section className="admin-view audit-view" aria-labelledby="audit-title">
      <div className="view-header">
        <h1 id="audit-title">Audit log</h1>
        <span className="muted">{log.data ? `${rows.length} entr${rows.length === 1 ? 'y' : 'ies'}${log.hasNextPage ? ' loaded' : ''}` : ''}</span>
        <span className="spacer" />
        <button type="button" className="button small" onClick={() => void log.refetch()} disabled={log.isFetching}>
          {log.isFetching && !log.isFetchingNextPage ? 'Refreshing…' : 'Refresh'}
        </button>
      </div>
      <form
        className="audit-filters inline-form"
        aria-label="Filter the audit log"
        onSubmit={(event) => {
          event.preventDefault();
          setApplied(draft);
        }}
      >
        <label className="field inline">
          <span>Actor</span>
          <input className="input" {...field('actor')} placeholder="anyone" />
        </label>
        <label className="field inline">
          <span>Action</span>
          <input className="input mono" {...field('action')} placeholder="deploy:* or key:create" list="audit-actions" />
          <datalist id="audit-actions">
            {suggestions.map((action) => (
              <option key={action} value={action} />
            ))}
          </datalist>
        </label>
        <label className="field inline">
          <span>Agent</span>
          <input className="input mono" {...field('agent')} placeholder="any agent" />
        </label>
        <label className="field inline">
          <span>From</span>
          <input className="input" type="datetime-local" {...field('from')} />
        </label>
        <label className="field inline">
          <span>To</span>
          <input className="input" type="datetime-local" {...field('to')} />
        </label>
        <label className="field inline grow">
          <span>Text</span>
          <input className="input" type="search" {...field('text')} placeholder="anywhere in the entry" />
        </label>
        <button type="submit" className="button primary">
          Apply filters
        </button>
        {hasFilter(draft) || hasFilter(applied) ? (
          <button
            type="button"
            className="button"
            onClick={() => {
              setDraft(EMPTY_FILTER);
              setApplied(EMPTY_FILTER);
            }}
          >
            Clear
          </button>
        ) : null}
      </form>
      {log.isPending ? <p className="muted">Loading the audit log…</p> : null}
      {log.isError ? <ErrorMessage error={log.error} title="Could not load the audit log" onRetry={() => void log.refetch()} /> : null}
      {log.data && rows.length === 0 ? <p className="muted">{hasFilter(applied) ? 'No entries match these filters.' : 'Nothing has been audited yet.'}</p> : null}
      {rows.length > 0 ? <AuditList rows={rows} /> : null}
      {log.hasNextPage ? (
        <div className="load-more">
          <button type="button" className="button" onClick={() => void log.fetchNextPage()} disabled={log.isFetchingNextPage}>
            {log.isFetchingNextPage ? 'Loading…' : 'Load more'}
          </button>
        </div>
      ) : null}
    </section>
  );
}

/** Only the visible entries are in the DOM; an expanded entry grows and the list measures it. */
function AuditList({ rows }: { rows: readonly AuditRow[] }): ReactNode {
  const scroller = useRef<HTMLDivElement>(null);
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(new Set());
  const virtualizer = useVirtualizer({ count: rows.length, getScrollElement: () => scroller.current, estimateSize: () => ROW_HEIGHT, overscan: 10, getItemKey: (index) => rows[index]?.key ?? index });
  const toggle = (key: string): void =>
    setExpanded((current) => {
      const next = new Set(current);
      if (next.has(key)) next.delete(key);
      else next.add(key);
      return next;
    });

  return (
    <div className="audit-list">
      <div className="audit-row audit-head" aria-hidden="true">
        <span>Time</span>
        <span>Actor</span>
        <span>Action</span>
        <span>Target</span>
        <span>Result</span>
      </div>
      <div className="audit-scroller" ref={scroller}>
        <ol className="audit-entries" aria-label="Audit entries" style={{ height: virtualizer.getTotalSize() }}>
          {virtualizer.getVirtualItems().map((item) => {
            const row = rows[item.index];
            if (!row) return null;
            const open = expanded.has(row.key);
            return (
              <li key={row.key} ref={virtualizer.measureElement} data-index={item.index} data-audit-action={row.action} className={row.success ? 'audit-entry' : 'audit-entry failed'} style={{ transform: `translateY(${item.start}px)` }}>
                <button type="button" className="audit-row audit-summary" aria-expanded={open} onClick={() => toggle(row.key)}>
                  <span className="mono">{formatDateTime(row.time)}</span>
                  <span>
                    {row.actor} <span className="muted">({row.role})</span>
                  </span>
                  <span className="mono">{row.action}</span>
                  <span className="mono">{row.target}</span>
                  <span>{row.success ? <span className="badge found">ok</span> : <span className="badge not-found">failed</span>}</span>
                </button>
                {open ? (
                  <div className="audit-details">
                    {row.error ? <p className="error">{row.error}</p> : null}
                    <dl className="audit-facts">
                      <dt>When</dt>
                      <dd className="mono">{row.time}</dd>
                      <dt>Log</dt>
                      <dd>{row.source === 'secret' ? 'secret audit trail (never a value)' : 'admin audit log'}</dd>
                    </dl>
                    {row.details ? <pre className="mono">{JSON.stringify(row.details, null, 2)}</pre> : <p className="muted">No details.</p>}
                  </div>
                ) : row.details || row.error ? (
                  <div className="audit-hint muted">{row.error ?? detailsSummary(row)}</div>
                ) : null}
              </li>
            );
          })}
        </ol>
      </div>
    </div>
  );
}
