import { useState } from 'react';
import type { ReactNode } from 'react';
import { budgetStatus, spendPerUnit } from '../../../../src-shared/ipc/control-fold';
import type { ControlSnapshot } from '../../../../src-shared/ipc/console-types';
import { useCan } from '../../console/use-role';
import { budgetStatusLabel, formatCount, formatDollars, formatPercentUsed, formatPerUnit, formatSpendOfLimit } from '../../format/control-format';
import { formatDateTime } from '../../format/format';
import { BudgetRaiseDialog } from './budget-raise-dialog';
import type { BudgetRaiseRequest } from './budget-raise-dialog';
import { ControlCard, Figure, Meter } from './control-card';

/** Seed 002 #20: spend / limit, % used, cost per unit, month-end projection with its status, spend by model. */
export function CostCard({ snapshot }: { snapshot: ControlSnapshot }): ReactNode {
  const { counters, cost } = snapshot;
  const canRaise = useCan('budget:raise');
  const [raising, setRaising] = useState<BudgetRaiseRequest | null>(null);
  const status = budgetStatus(counters.spendUsd, cost.limitUsd, cost.projectedMonthUsd);
  const label = budgetStatusLabel(status);
  const perUnit = spendPerUnit(counters);
  const single = snapshot.agent !== null ? snapshot.agents[0] : undefined;
  const ratio = cost.limitUsd === null ? 0 : cost.limitUsd > 0 ? counters.spendUsd / cost.limitUsd : 1;
  return (
    <ControlCard
      id="cost"
      title="Cost control"
      actions={
        canRaise && single && single.budgetLimitUsd !== null ? (
          <button type="button" className="button small" onClick={() => setRaising({ agent: single.agent, currentLimitUsd: single.budgetLimitUsd, suggestedLimitUsd: Math.ceil((single.budgetLimitUsd ?? 0) * 150) / 100 })}>
            Raise budget…
          </button>
        ) : null
      }
    >
      <dl className="figures">
        <Figure label="Spend" testId="control-spend" value={formatSpendOfLimit(counters.spendUsd, cost.limitUsd)} detail={formatPercentUsed(counters.spendUsd, cost.limitUsd)} />
        <Figure label="Cost per unit" testId="control-per-unit" value={perUnit ? formatPerUnit(perUnit.usd, perUnit.unit) : '—'} />
        <Figure
          label="Projection"
          testId="control-projection"
          value={
            <span className={`budget-status ${status}`} data-status={status}>
              {label.icon ? <span aria-hidden="true">{label.icon} </span> : null}
              {label.text}
            </span>
          }
          detail={`${formatDollars(cost.projectedMonthUsd)} by month end at ${formatDollars(cost.spendRateUsdPerHour)}/hour${cost.budgetExhaustedAt && status !== 'over' ? ` · runs out ${formatDateTime(cost.budgetExhaustedAt)}` : ''}`}
        />
      </dl>
      {cost.limitUsd !== null ? <Meter value={ratio} label={`Budget used: ${formatPercentUsed(counters.spendUsd, cost.limitUsd)}`} tone={status === 'over' ? 'bad' : status === 'at_risk' ? 'warn' : 'ok'} /> : null}
      {single?.budgetSource === 'override' ? (
        <p className="muted small" data-testid="budget-override">
          Limit {formatDollars(single.budgetLimitUsd ?? 0)} per replica approved by {single.budgetApprovedBy} on {formatDateTime(single.budgetApprovedAt)}.
        </p>
      ) : null}
      {counters.byModel.length > 0 ? (
        <table className="table compact" aria-label="Spend by model">
          <thead>
            <tr>
              <th>Model</th>
              <th className="number">Calls</th>
              <th className="number">Tokens in / out</th>
              <th className="number">Cost</th>
            </tr>
          </thead>
          <tbody>
            {counters.byModel.map((model) => (
              <tr key={model.model}>
                <td className="mono">{model.model}</td>
                <td className="number mono">{formatCount(model.calls)}</td>
                <td className="number mono">
                  {formatCount(model.inputTokens)} / {formatCount(model.outputTokens)}
                </td>
                <td className="number mono">{formatDollars(model.costUsd)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p className="muted">No model calls since the deployment went live.</p>
      )}
      <BudgetRaiseDialog request={raising} onClose={() => setRaising(null)} />
    </ControlCard>
  );
}
