/**
 * Where a Kubernetes deploy goes: a kubeconfig context (each shown with its cluster, user and
 * default namespace; the current one preselected) and a namespace, typed or picked from the ones
 * the context lists. A context is contacted only once it is opened here (ARCHITECTURE.md §7: lazy
 * connections), never by a timer: a dead cluster shows why and a Retry the user presses when it
 * is back, so nothing hammers it. A namespace that does not exist yet is created by the deploy
 * with Pod Security "restricted" labels. Optional min/max replicas add a HorizontalPodAutoscaler.
 */
import type { ReactNode } from 'react';
import { useConsoleQuery } from '../../console/requests';
import { contextLabel, isNewNamespace, namespaceListState, namespaceProblem, namespaceSuggestions, parseAutoscale } from './kube-placement-model';
import type { KubeContextOption, NamespaceListState } from './kube-placement-model';
import './deploy.css';

/** The picker's fields as typed. */
export interface KubePlacementDraft {
  context: string;
  namespace: string;
  minReplicas: string;
  maxReplicas: string;
}

/** At most this many namespaces are offered as buttons (typing narrows them); the namespace field's list has them all. */
const NAMESPACE_CHIPS = 12;

export function KubernetesPlacement({ contexts, draft, onChange, disabled }: { contexts: readonly KubeContextOption[]; draft: KubePlacementDraft; onChange: (draft: KubePlacementDraft) => void; disabled: boolean }): ReactNode {
  // Asked when a context is opened, cached a while, never retried behind the user's back.
  const query = useConsoleQuery('kube:namespaces', { context: draft.context }, { enabled: draft.context !== '', retry: false, staleTime: 30_000 });
  const list = namespaceListState(draft.context, query);
  const typedProblem = namespaceProblem(draft.namespace);
  const autoscale = parseAutoscale(draft.minReplicas, draft.maxReplicas);
  const listed = list.state === 'ok' ? list.namespaces : [];
  const opened = contexts.find((context) => context.name === draft.context);
  const contextDefault = opened?.namespace ?? 'default';
  const suggestions = namespaceSuggestions(listed, draft.namespace, contextDefault, NAMESPACE_CHIPS);

  return (
    <fieldset className="kube-placement" disabled={disabled}>
      <legend>Kubernetes</legend>
      <label className="field">
        <span>Context</span>
        <select
          className="input"
          value={draft.context}
          onChange={(event) => {
            const chosen = contexts.find((context) => context.name === event.target.value);
            onChange({ ...draft, context: event.target.value, namespace: chosen?.namespace ?? 'default' });
          }}
        >
          {contexts.map((context) => (
            <option key={context.name} value={context.name}>
              {contextLabel(context)}
            </option>
          ))}
        </select>
      </label>
      {/* The select may cut a long label short: the opened context in full. */}
      {opened ? (
        <p className="kube-context-detail muted" data-testid="kube-context-detail">
          cluster <span className="mono">{opened.cluster}</span> · user <span className="mono">{opened.user || '(none)'}</span> · default namespace <span className="mono">{opened.namespace}</span>
        </p>
      ) : null}

      <label className="field">
        <span>Namespace</span>
        <input
          className="input mono"
          list="kube-namespace-options"
          value={draft.namespace}
          onChange={(event) => onChange({ ...draft, namespace: event.target.value.trim() })}
          placeholder="team-a"
          spellCheck={false}
          autoComplete="off"
          aria-invalid={typedProblem !== null}
          aria-describedby="kube-namespace-note"
        />
      </label>
      <datalist id="kube-namespace-options">
        {listed.map((namespace) => (
          <option key={namespace} value={namespace} />
        ))}
      </datalist>
      <div id="kube-namespace-note" className="kube-namespace-note">
        <NamespaceListStatus list={list} onRetry={() => void query.refetch()} />
        {typedProblem && draft.namespace !== '' ? <p className="warning-text">{typedProblem}</p> : null}
        {isNewNamespace(draft.namespace, list) && !typedProblem ? (
          <p className="kube-new-namespace" data-testid="new-namespace-note">
            <span className="badge">new</span> {draft.namespace} does not exist in {draft.context}: the deploy creates it with Pod Security “restricted” labels.
          </p>
        ) : null}
      </div>
      {suggestions.shown.length > 0 ? (
        <div className="namespace-chips" role="group" aria-label={`Namespaces in ${draft.context}`}>
          {suggestions.shown.map((namespace) => (
            <button key={namespace} type="button" className={namespace === draft.namespace ? 'chip selected' : 'chip'} aria-pressed={namespace === draft.namespace} onClick={() => onChange({ ...draft, namespace })}>
              {namespace}
            </button>
          ))}
          {suggestions.hidden > 0 ? <span className="muted">+{suggestions.hidden} more: type to narrow</span> : null}
        </div>
      ) : null}

      <div className="kube-autoscale">
        <label className="field">
          <span>Min replicas</span>
          <input className="input" inputMode="numeric" value={draft.minReplicas} onChange={(event) => onChange({ ...draft, minReplicas: event.target.value })} placeholder="1" />
        </label>
        <label className="field">
          <span>Max replicas</span>
          <input className="input" inputMode="numeric" value={draft.maxReplicas} onChange={(event) => onChange({ ...draft, maxReplicas: event.target.value })} placeholder="5" />
        </label>
        <p className={autoscale.ok ? 'muted field-note' : 'warning-text field-note'}>
          {autoscale.ok ? (autoscale.value ? `A HorizontalPodAutoscaler keeps ${autoscale.value.minReplicas}–${autoscale.value.maxReplicas} replicas (CPU 70%).` : 'Autoscaling (optional): set both to scale on CPU; empty runs one replica.') : autoscale.problem}
        </p>
      </div>
    </fieldset>
  );
}

/** The opened context's answer: listing…, how many, or why not with a Retry. */
function NamespaceListStatus({ list, onRetry }: { list: NamespaceListState; onRetry: () => void }): ReactNode {
  if (list.state === 'loading') {
    return (
      <p className="muted" role="status" data-namespaces="loading">
        Listing the namespaces of {list.context}…
      </p>
    );
  }
  if (list.state === 'ok') {
    return (
      <p className="muted" role="status" data-namespaces="ok">
        {list.namespaces.length} namespace{list.namespaces.length === 1 ? '' : 's'} in {list.context}. Pick one or type a new name.
      </p>
    );
  }
  const headline = {
    offline: `Cannot reach ${list.context}.`,
    unauthorized: `${list.context} refused the credentials.`,
    forbidden: `${list.context} does not let you list namespaces; type the one you may deploy to.`,
  }[list.state];
  return (
    <div className={`kube-problem ${list.state}`} role="alert" data-namespaces={list.state}>
      <strong>{headline}</strong> <span className="kube-problem-detail">{list.message}</span>{' '}
      <button type="button" className="button small" onClick={onRetry}>
        Retry
      </button>
    </div>
  );
}
