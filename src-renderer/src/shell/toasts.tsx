import type { ReactNode } from 'react';
import { useToasts } from '../state/toast-store';

/** The toast stack (bottom right). Errors are announced assertively, the rest politely. */
export function Toasts(): ReactNode {
  const { toasts, dismiss } = useToasts();
  return (
    <div className="toasts" aria-live="polite">
      {toasts.map((toast) => (
        <div key={toast.id} className={`toast ${toast.tone}`} role={toast.tone === 'error' ? 'alert' : 'status'} data-error-code={toast.code}>
          <div className="toast-head">
            <strong>{toast.title}</strong>
            <button type="button" className="icon-button" aria-label="Dismiss notification" onClick={() => dismiss(toast.id)}>
              ×
            </button>
          </div>
          {toast.code ? <span className="error-code">{toast.code}</span> : null}
          <span>{toast.message}</span>
        </div>
      ))}
    </div>
  );
}
