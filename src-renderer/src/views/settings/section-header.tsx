import type { ReactNode } from 'react';

/** A settings list's title, with its add button while one may add (an editor, no add form open). */
export function SectionHeader({ id, title, addLabel, onAdd }: { id: string; title: string; addLabel: string; onAdd: (() => void) | null }): ReactNode {
  return (
    <div className="section-header">
      <h2 id={id}>{title}</h2>
      <span className="spacer" />
      {onAdd ? (
        <button type="button" className="button small" onClick={onAdd}>
          {addLabel}
        </button>
      ) : null}
    </div>
  );
}
