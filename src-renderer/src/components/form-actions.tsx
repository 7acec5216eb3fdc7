import type { ReactNode } from 'react';

/** The foot of an inline form: its submit button and Cancel. */
export function FormActions({ submitLabel, disabled, onCancel }: { submitLabel: ReactNode; disabled: boolean; onCancel(): void }): ReactNode {
  return (
    <div className="actions">
      <button type="submit" className="button primary" disabled={disabled}>
        {submitLabel}
      </button>
      <button type="button" className="button" onClick={onCancel}>
        Cancel
      </button>
    </div>
  );
}
