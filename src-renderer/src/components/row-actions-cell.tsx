import type { ReactNode } from 'react';

/** A table row's last cell: its buttons side by side at the right (`.cell-actions` in styles/views.css). */
export function RowActionsCell({ children }: { children: ReactNode }): ReactNode {
  return (
    <td className="cell-actions">
      <div>{children}</div>
    </td>
  );
}
