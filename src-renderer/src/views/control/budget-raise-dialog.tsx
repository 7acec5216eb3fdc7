import { useState } from 'react';
import type { ReactNode } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { useConsoleMutation } from '../../console/requests';
import { formatDollars } from '../../format/control-format';
import { toast } from '../../state/toast-store';

/** What to raise: the agent, its current per-replica limit, a proposal, and the notification it came from. */
export interface BudgetRaiseRequest {
  agent: string;
  currentLimitUsd: number | null;
  suggestedLimitUsd: number;
  notificationId?: number;
}

/**
 * "Approve budget increase" (seed 002 #11, #24): the admin confirms a new per-replica limit; the
 * running replicas enforce it at once (`budget:raise`). The notification it came from is dismissed.
 */
export function BudgetRaiseDialog({ request, onClose }: { request: BudgetRaiseRequest | null; onClose(): void }): ReactNode {
  const queryClient = useQueryClient();
  const [value, setValue] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [shownFor, setShownFor] = useState<BudgetRaiseRequest | null>(null);
  if (request !== shownFor) {
    // A new request: start from its proposal.
    setShownFor(request);
    setValue(request ? request.suggestedLimitUsd.toFixed(2) : '');
    setProblem(null);
  }
  const dismiss = useConsoleMutation('notifications:dismiss');
  const raise = useConsoleMutation('budget:raise', {
    onSuccess: (result) => {
      const reloaded = result.deployments.every((deployment) => deployment.reloaded);
      toast({
        tone: reloaded ? 'success' : 'error',
        title: `${result.agent}: budget raised to ${formatDollars(result.limitUsd)}`,
        message: reloaded ? 'The running replicas enforce the new limit now.' : `Saved, but a replica could not reload: ${result.deployments.find((deployment) => !deployment.reloaded)?.error ?? 'unknown error'}. It applies at its next start.`,
      });
      if (request?.notificationId !== undefined) dismiss.mutate({ ids: [request.notificationId] });
      void queryClient.invalidateQueries({ queryKey: ['control:snapshot'] });
      onClose();
    },
  });

  const submit = (): void => {
    if (!request) return;
    const limit = Number(value);
    if (!Number.isFinite(limit) || limit <= 0) return setProblem('Enter an amount in US dollars, such as 75.00.');
    if (request.currentLimitUsd !== null && limit <= request.currentLimitUsd) return setProblem(`Enter more than the current ${formatDollars(request.currentLimitUsd)}.`);
    setProblem(null);
    raise.mutate({ agent: request.agent, limitUsd: limit });
  };

  return (
    <ConfirmDialog open={request !== null} title="Approve budget increase" confirmLabel={raise.isPending ? 'Approving…' : 'Approve increase'} onCancel={onClose} onConfirm={submit}>
      <p>
        Raise <code>{request?.agent}</code>&apos;s LLM budget from {request?.currentLimitUsd === null || request === null ? 'no limit' : formatDollars(request.currentLimitUsd)} per replica. Its running replicas enforce the new limit at once, without a redeploy; the change is audited.
      </p>
      <label className="field">
        <span>New limit per replica (USD)</span>
        <input
          className="input"
          type="number"
          inputMode="decimal"
          min={0.01}
          step={0.01}
          value={value}
          aria-invalid={problem !== null}
          aria-describedby={problem ? 'budget-raise-problem' : undefined}
          onChange={(event) => setValue(event.target.value)}
        />
      </label>
      {problem ? (
        <p id="budget-raise-problem" className="error" role="alert">
          {problem}
        </p>
      ) : null}
    </ConfirmDialog>
  );
}
