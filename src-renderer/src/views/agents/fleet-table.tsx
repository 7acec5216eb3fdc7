import { useRef } from 'react';
import type { ReactNode } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { AgentRow } from '../../../../src-shared/ipc/console-types';
import { HealthBadge } from '../../components/health-badge';
import { formatMs, formatPercent, formatUptime, formatUsd } from '../../format/format';
import { useNow } from '../../hooks/use-now';

const ROW_HEIGHT = 32;

export interface FleetTableProps {
  rows: readonly AgentRow[];
  selected: ReadonlySet<string>;
  selectable: boolean;
  onToggle(agent: string): void;
  onToggleAll(): void;
  onOpen(agent: string): void;
}

const COLUMNS = ['Agent', 'Health', 'Version', 'Target', 'Replicas', 'Uptime', 'p95', 'Spend', 'Budget'] as const;

/** The fleet: only the visible rows are in the DOM, so 1,000+ agents scroll smoothly. */
export function FleetTable({ rows, selected, selectable, onToggle, onToggleAll, onOpen }: FleetTableProps): ReactNode {
  const scroller = useRef<HTMLDivElement>(null);
  const now = useNow(1000);
  const virtualizer = useVirtualizer({ count: rows.length, getScrollElement: () => scroller.current, estimateSize: () => ROW_HEIGHT, overscan: 12 });
  const allSelected = rows.length > 0 && rows.every((row) => selected.has(row.agent));

  return (
    <div className={selectable ? 'fleet-table selectable' : 'fleet-table'} role="table" aria-label="Agents" aria-rowcount={rows.length + 1}>
      <div className="fleet-row fleet-head" role="row" aria-rowindex={1}>
        {selectable ? (
          <span role="columnheader" className="cell-check">
            <input type="checkbox" aria-label="Select all shown agents" checked={allSelected} onChange={onToggleAll} />
          </span>
        ) : null}
        {COLUMNS.map((column) => (
          <span key={column} role="columnheader" className={`cell-${column.toLowerCase()}`}>
            {column}
          </span>
        ))}
      </div>
      <div className="fleet-scroller" ref={scroller}>
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }} role="rowgroup">
          {virtualizer.getVirtualItems().map((item) => {
            const row = rows[item.index];
            if (!row) return null;
            return (
              <div
                key={row.agentId}
                role="row"
                aria-rowindex={item.index + 2}
                aria-selected={selectable ? selected.has(row.agent) : undefined}
                className={selected.has(row.agent) ? 'fleet-row selected' : 'fleet-row'}
                data-agent={row.agent}
                style={{ position: 'absolute', top: 0, left: 0, right: 0, height: ROW_HEIGHT, transform: `translateY(${item.start}px)` }}
              >
                {selectable ? (
                  <span role="cell" className="cell-check">
                    <input type="checkbox" aria-label={`Select ${row.agent}`} checked={selected.has(row.agent)} onChange={() => onToggle(row.agent)} />
                  </span>
                ) : null}
                <span role="cell" className="cell-agent">
                  <a
                    href={`#/agents/${row.agent}`}
                    onClick={(event) => {
                      event.preventDefault();
                      onOpen(row.agent);
                    }}
                  >
                    {row.agent}
                  </a>
                </span>
                <span role="cell">
                  <HealthBadge health={row.health} />
                </span>
                <span role="cell" className="mono">
                  {row.version ?? '—'}
                </span>
                <span role="cell">{row.target ?? '—'}</span>
                <span role="cell" className="mono">
                  {row.replicasReady}/{row.replicasWanted}
                </span>
                <span role="cell" className="mono">
                  {formatUptime(row.activeSince, now)}
                </span>
                <span role="cell" className="mono">
                  {formatMs(row.p95Ms)}
                </span>
                <span role="cell" className="mono">
                  {formatUsd(row.spendUsd)}
                </span>
                <span role="cell" className="mono">
                  <BudgetBar percent={row.budgetPercent} />
                </span>
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}

function BudgetBar({ percent }: { percent: number | null }): ReactNode {
  if (percent === null) return <span className="muted">—</span>;
  const tone = percent >= 100 ? 'over' : percent >= 90 ? 'warn' : 'ok';
  return (
    <span className={`budget ${tone}`}>
      <span className="budget-track" aria-hidden="true">
        <span className="budget-fill" style={{ width: `${Math.min(100, Math.max(0, percent))}%` }} />
      </span>
      {formatPercent(percent)}
    </span>
  );
}
