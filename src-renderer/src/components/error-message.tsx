import type { ReactNode } from 'react';
import { describeError } from '../console/requests';

/** A failed request, inline: its code, name and message (never a blank panel). */
export function ErrorMessage({ error, title, onRetry }: { error: unknown; title?: string; onRetry?: () => void }): ReactNode {
  const described = describeError(error);
  return (
    <div className="error-box" role="alert" data-error-code={described.code ?? undefined}>
      <strong>{title ?? 'Request failed'}</strong>
      {described.code ? (
        <span className="error-code">
          {described.code} {described.name}
        </span>
      ) : null}
      <span className="error-text">{described.message}</span>
      {onRetry ? (
        <button type="button" className="button small" onClick={onRetry}>
          Retry
        </button>
      ) : null}
    </div>
  );
}
