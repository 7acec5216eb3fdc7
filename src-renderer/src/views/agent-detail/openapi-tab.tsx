/**
 * Schema & OpenAPI: the active version's input and output JSON Schemas and its OpenAPI 3.1
 * document (built by the runtime's own builder in main, so it is the one `/openapi.json` serves),
 * as foldable JSON with copy buttons, and the endpoints it lists.
 */
import type { ReactNode } from 'react';
import type { AgentOpenApi } from '../../../../src-shared/ipc/console-types';
import { CopyButton } from '../../components/copy-button';
import { ErrorMessage } from '../../components/error-message';
import { useConsoleQuery } from '../../console/requests';
import { JsonTree } from './json-tree';

const SOURCE_NOTES: Record<AgentOpenApi['schemaSource'], string> = {
  inline: 'Schemas from the Dockfile.',
  runtime: 'Schemas reported by the running replica (Pydantic classes).',
  unknown: 'The Dockfile names Pydantic classes and no replica is running to report them: shown as open objects until it runs.',
};

/** The Schema & OpenAPI tab. */
export function OpenApiTab({ agent }: { agent: string }): ReactNode {
  const api = useConsoleQuery('agents:openapi', { agent });
  if (api.isError) return <ErrorMessage error={api.error} title={`Could not load ${agent}'s API`} onRetry={() => void api.refetch()} />;
  if (api.isPending) return <p className="muted">Loading the API description…</p>;
  return <OpenApiReport api={api.data} />;
}

function OpenApiReport({ api }: { api: AgentOpenApi }): ReactNode {
  const pretty = (value: unknown): string => JSON.stringify(value, null, 2);
  return (
    <div className="openapi">
      <p>
        <span className="mono">{api.version}</span> · <span className="muted">{SOURCE_NOTES[api.schemaSource]}</span>
        {api.endpoint ? (
          <>
            {' '}
            Served at <code>{api.endpoint}/openapi.json</code> and <code>{api.endpoint}/docs</code>.
          </>
        ) : null}
      </p>

      <h2>Endpoints</h2>
      <table className="table" aria-label="Endpoints">
        <thead>
          <tr>
            <th>Method</th>
            <th>Path</th>
            <th>Summary</th>
            <th>Auth</th>
          </tr>
        </thead>
        <tbody>
          {api.endpoints.map((endpoint) => (
            <tr key={`${endpoint.method} ${endpoint.path}`}>
              <td>
                <span className={`method method-${endpoint.method.toLowerCase()}`}>{endpoint.method}</span>
              </td>
              <td className="mono">{endpoint.path}</td>
              <td>{endpoint.summary ?? ''}</td>
              <td>{endpoint.secured ? 'credential' : <span className="muted">public</span>}</td>
            </tr>
          ))}
        </tbody>
      </table>

      <div className="schema-pair">
        <section aria-labelledby="input-schema-title">
          <div className="section-head">
            <h2 id="input-schema-title">Input schema</h2>
            <CopyButton text={pretty(api.inputSchema)} label="Copy input schema" />
          </div>
          <JsonTree value={api.inputSchema} label="Input schema" openDepth={4} />
        </section>
        <section aria-labelledby="output-schema-title">
          <div className="section-head">
            <h2 id="output-schema-title">Output schema</h2>
            <CopyButton text={pretty(api.outputSchema)} label="Copy output schema" />
          </div>
          <JsonTree value={api.outputSchema} label="Output schema" openDepth={4} />
        </section>
      </div>

      <section aria-labelledby="openapi-title">
        <div className="section-head">
          <h2 id="openapi-title">OpenAPI document</h2>
          <span className="muted mono">{String(api.openapi.openapi ?? '')}</span>
          <CopyButton text={pretty(api.openapi)} label="Copy OpenAPI JSON" />
        </div>
        <JsonTree value={api.openapi} label="OpenAPI document" openDepth={1} />
      </section>
    </div>
  );
}
