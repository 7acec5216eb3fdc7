/**
 * Pretty-printed JSON that folds: every object and array is a native <details> (keyboard and
 * screen-reader friendly for free), open to `openDepth` levels, with its size in the summary.
 */
import type { ReactNode } from 'react';

/** A JSON value as a collapsible tree. */
export function JsonTree({ value, label, openDepth = 2 }: { value: unknown; label: string; openDepth?: number }): ReactNode {
  return (
    <div className="json-tree mono" role="group" aria-label={label}>
      <JsonNode name={null} value={value} depth={0} openDepth={openDepth} last />
    </div>
  );
}

function JsonNode({ name, value, depth, openDepth, last }: { name: string | null; value: unknown; depth: number; openDepth: number; last: boolean }): ReactNode {
  const key = name === null ? null : <span className="json-key">{JSON.stringify(name)}</span>;
  const comma = last ? '' : ',';
  if (value !== null && typeof value === 'object') {
    const array = Array.isArray(value);
    const entries: [string, unknown][] = array ? value.map((item, index) => [String(index), item]) : Object.entries(value as Record<string, unknown>);
    const [open, close] = array ? ['[', ']'] : ['{', '}'];
    if (entries.length === 0) {
      return (
        <div className="json-line">
          {key}
          {key ? ': ' : ''}
          {open}
          {close}
          {comma}
        </div>
      );
    }
    return (
      <details className="json-node" open={depth < openDepth}>
        <summary>
          {key}
          {key ? ': ' : ''}
          {open}
          <span className="json-size muted">
            {' '}
            {entries.length} {array ? (entries.length === 1 ? 'item' : 'items') : entries.length === 1 ? 'key' : 'keys'}{' '}
          </span>
          <span className="json-closed">
            {close}
            {comma}
          </span>
        </summary>
        <div className="json-children">
          {entries.map(([childName, child], index) => (
            <JsonNode key={childName} name={array ? null : childName} value={child} depth={depth + 1} openDepth={openDepth} last={index === entries.length - 1} />
          ))}
        </div>
        <div className="json-line">
          {close}
          {comma}
        </div>
      </details>
    );
  }
  return (
    <div className="json-line">
      {key}
      {key ? ': ' : ''}
      <span className={`json-${value === null ? 'null' : typeof value}`}>{JSON.stringify(value) ?? 'undefined'}</span>
      {comma}
    </div>
  );
}
