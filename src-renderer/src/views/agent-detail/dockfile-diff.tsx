import { useState } from 'react';
import type { ReactNode } from 'react';
import { ErrorMessage } from '../../components/error-message';
import { useConsoleQuery } from '../../console/requests';
import { diffLines } from './line-diff';

/** Two versions' Dockfiles, line by line. `versions` is newest first. */
export function DockfileDiff({ agent, versions }: { agent: string; versions: readonly string[] }): ReactNode {
  const [from, setFrom] = useState(versions[1] ?? '');
  const [to, setTo] = useState(versions[0] ?? '');
  const before = useConsoleQuery('versions:dockfile', { agent, version: from }, { staleTime: Infinity });
  const after = useConsoleQuery('versions:dockfile', { agent, version: to }, { staleTime: Infinity });
  const lines = before.data && after.data ? diffLines(before.data.yaml, after.data.yaml) : null;
  const changed = lines ? lines.filter((line) => line.kind !== 'same').length : 0;
  return (
    <section className="diff" aria-labelledby="diff-title">
      <div className="view-header">
        <h2 id="diff-title">Dockfile diff</h2>
        <label className="field inline">
          <span>From</span>
          <select className="input" value={from} onChange={(event) => setFrom(event.target.value)}>
            {versions.map((version) => (
              <option key={version}>{version}</option>
            ))}
          </select>
        </label>
        <label className="field inline">
          <span>To</span>
          <select className="input" value={to} onChange={(event) => setTo(event.target.value)}>
            {versions.map((version) => (
              <option key={version}>{version}</option>
            ))}
          </select>
        </label>
        {lines ? <span className="muted">{changed === 0 ? 'identical' : `${changed} changed line${changed === 1 ? '' : 's'}`}</span> : null}
      </div>
      {before.isError ? <ErrorMessage error={before.error} title={`Could not load ${from}'s Dockfile`} /> : null}
      {after.isError ? <ErrorMessage error={after.error} title={`Could not load ${to}'s Dockfile`} /> : null}
      {lines ? (
        <pre className="diff-body" aria-label={`Diff from ${from} to ${to}`}>
          {lines.map((line, index) => (
            <div key={index} className={`diff-line ${line.kind}`}>
              <span className="diff-num">{line.oldLine ?? ''}</span>
              <span className="diff-num">{line.newLine ?? ''}</span>
              <span className="diff-sign">{line.kind === 'added' ? '+' : line.kind === 'removed' ? '-' : ' '}</span>
              {line.text}
            </div>
          ))}
        </pre>
      ) : before.isPending || after.isPending ? (
        <p className="muted">Loading Dockfiles…</p>
      ) : null}
    </section>
  );
}
