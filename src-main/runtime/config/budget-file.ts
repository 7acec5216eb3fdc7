/**
 * `budget.json`: a budget limit an admin approved while the agent runs (the console's "Approve
 * budget increase"), written by the control plane beside runtime.json. runtime.json's budget is
 * fixed for the process's life; this file is reloadable like keys.json and secrets.json, so a
 * raised limit applies at once, without a redeploy. Absent: runtime.json's limit applies.
 */
import { expectNumber, expectObject, expectString, expectTimestamp, optional } from './shape-check';

export interface BudgetFile {
  /** USD for the replica, replacing runtime.json's budget.limitUsd. */
  readonly limitUsd: number;
  /** Who approved it and when (shown in logs; the audit log is the record). */
  readonly approvedBy?: string;
  readonly approvedAt?: string;
}

/** Checks a parsed budget.json. */
export function parseBudgetFile(value: unknown): BudgetFile {
  // Unknown fields are tolerated (as in keys.json): a newer control plane may add bookkeeping, and
  // refusing it would keep the old limit in force without saying why to the person who raised it.
  const root = expectObject(value, '');
  const file: { limitUsd: number; approvedBy?: string; approvedAt?: string } = { limitUsd: expectNumber(root.limitUsd, 'limitUsd', { min: 0 }) };
  const approvedBy = optional(root.approvedBy, (raw) => expectString(raw, 'approvedBy'));
  if (approvedBy !== undefined) file.approvedBy = approvedBy;
  const approvedAt = optional(root.approvedAt, (raw) => expectTimestamp(raw, 'approvedAt'));
  if (approvedAt !== undefined) file.approvedAt = approvedAt;
  return file;
}
