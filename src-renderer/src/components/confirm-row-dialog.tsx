import type { ReactNode } from 'react';
import { ConfirmDialog } from './confirm-dialog';

export interface ConfirmRowDialogProps<T> {
  /** The row the destructive action is asked about; the dialog is open while it is set. */
  row: T | null;
  title: string;
  confirmLabel: string;
  /** Runs the action on the row; the dialog closes either way. */
  onConfirm(row: T): void;
  onClose(): void;
  /** What the action does to this row. */
  children(row: T): ReactNode;
}

/** Asks before a destructive action on one row of a table (remove, delete, revoke). */
export function ConfirmRowDialog<T>({ row, title, confirmLabel, onConfirm, onClose, children }: ConfirmRowDialogProps<T>): ReactNode {
  return (
    <ConfirmDialog
      open={row !== null}
      title={title}
      confirmLabel={confirmLabel}
      danger
      onCancel={onClose}
      onConfirm={() => {
        if (row !== null) onConfirm(row);
        onClose();
      }}
    >
      {row !== null ? children(row) : null}
    </ConfirmDialog>
  );
}
