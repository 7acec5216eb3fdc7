/**
 * The Audit log view's filter form → an `audit:list` input, and how an entry is summarised. Pure.
 * Times are typed in local time (`datetime-local`) and sent as UTC instants.
 */
import type { AuditRow } from '../../../../src-shared/ipc/admin-types';
import type { RequestInput } from '../../../../src-shared/ipc/contract';

export interface AuditFilterForm {
  actor: string;
  action: string;
  agent: string;
  /** `YYYY-MM-DDTHH:MM` in local time, or empty. */
  from: string;
  to: string;
  text: string;
}

export const EMPTY_FILTER: AuditFilterForm = { actor: '', action: '', agent: '', from: '', to: '', text: '' };

export const PAGE_SIZE = 100;

/** The request input for a form (empty fields left out); `before` is the paging cursor. */
export function auditListInput(form: AuditFilterForm, before?: string): RequestInput<'audit:list'> {
  const text = (value: string): string | undefined => (value.trim() === '' ? undefined : value.trim());
  const time = (value: string): string | undefined => {
    if (value.trim() === '') return undefined;
    const date = new Date(value);
    return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
  };
  const fields = { actor: text(form.actor), action: text(form.action), agent: text(form.agent), from: time(form.from), to: time(form.to), text: text(form.text) };
  return { ...Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)), limit: PAGE_SIZE, ...(before ? { before } : {}) };
}

/** Whether any filter is set (for "Clear filters" and the empty-state wording). */
export function hasFilter(form: AuditFilterForm): boolean {
  return Object.values(form).some((value) => value.trim() !== '');
}

/** A one-line summary of an entry's details: `version=v1 deployment=dep_…`, at most `max` characters. */
export function detailsSummary(row: AuditRow, max = 120): string {
  if (!row.details) return '';
  const parts = Object.entries(row.details).map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`);
  const line = parts.join(' ');
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** Actions seen in the loaded entries, for the action field's suggestions (plus `domain:*` prefixes). */
export function actionSuggestions(rows: readonly AuditRow[]): string[] {
  const actions = new Set<string>();
  for (const row of rows) {
    actions.add(row.action);
    const domain = row.action.split(':')[0];
    if (domain) actions.add(`${domain}:*`);
  }
  return [...actions].sort();
}
