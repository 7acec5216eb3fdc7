/**
 * The Settings view's form logic, pure: turning what an admin typed into a `settings:update`
 * patch (only what changed; an empty field means "back to the default"), and describing where a
 * value in effect comes from. Main checks every value again (E3001 with its field).
 */
import type { RetentionKey, SettingValue } from '../../../../src-shared/ipc/admin-types';

/** What to send for one field: a new value, null (reset to default), or undefined (unchanged). */
export type FieldPatch<T> = T | null | undefined;

/** An image field: trimmed; empty resets a stored value; the stored value itself changes nothing. */
export function imagePatch(input: string, setting: SettingValue<string>): FieldPatch<string> {
  const text = input.trim();
  if (text === '') return setting.stored === null ? undefined : null;
  return text === setting.stored ? undefined : text;
}

/** A days field: a number (decimals allowed), empty resets, anything else is an error to show. */
export function daysPatch(input: string, setting: SettingValue<number>): { patch: FieldPatch<number> } | { error: string } {
  const text = input.trim();
  if (text === '') return { patch: setting.stored === null ? undefined : null };
  if (!/^\d+(\.\d+)?$/.test(text)) return { error: `"${text}" is not a number of days` };
  const value = Number(text);
  return { patch: value === setting.stored ? undefined : value };
}

/** The text a field starts with: the stored value, or empty when the default (or the environment) applies. */
export function initialText<T>(setting: SettingValue<T>): string {
  return setting.stored === null ? '' : String(setting.stored);
}

/** One line under a field: what is in effect and why. */
export function describeSource<T>(setting: SettingValue<T>, unit = ''): string {
  const shown = (value: T): string => `${String(value)}${unit}`;
  switch (setting.source) {
    case 'environment':
      return `In effect: ${shown(setting.value)} from ${setting.envName}, which overrides ${setting.stored === null ? 'the default' : `the saved ${shown(setting.stored)}`}. Unset it to use this setting.`;
    case 'stored':
      return `In effect: ${shown(setting.value)} (saved here; default ${shown(setting.defaultValue)}).`;
    case 'default':
      return `In effect: the default, ${shown(setting.defaultValue)}.`;
  }
}

export const RETENTION_LABELS: Readonly<Record<RetentionKey, { label: string; hint: string }>> = {
  auditDays: { label: 'Audit logs', hint: 'admin audit log and secret audit trail (at least 1 day)' },
  runsDays: { label: 'Runs', hint: 'one record per invocation, and the per-minute metrics' },
  eventsDays: { label: 'Other events', hint: 'tokens, tool calls, policy and log events' },
  rollupHistoryDays: { label: 'Hourly and daily metrics', hint: 'never shorter than runs' },
  alertsDays: { label: 'Alert history', hint: 'fired alerts, deliveries and read notifications' },
};

/** `a@x.com, b@y.com` or one per line → the addresses. */
export function parseRecipients(text: string): string[] {
  return text
    .split(/[\s,;]+/)
    .map((part) => part.trim())
    .filter(Boolean);
}
