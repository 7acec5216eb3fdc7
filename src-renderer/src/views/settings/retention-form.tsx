import { useState } from 'react';
import type { ReactNode } from 'react';
import { RETENTION_KEYS } from '../../../../src-shared/settings-rules';
import type { RetentionKey, SettingsSnapshot } from '../../../../src-shared/ipc/admin-types';
import { toast } from '../../state/toast-store';
import { daysPatch, describeSource, initialText, RETENTION_LABELS } from './settings-form';
import { useSettingsUpdate } from './use-settings-update';

/** How long each kind of record is kept, in days (empty: the default). */
export function RetentionForm({ settings, canEdit }: { settings: SettingsSnapshot; canEdit: boolean }): ReactNode {
  const [values, setValues] = useState<Record<RetentionKey, string>>(() => Object.fromEntries(RETENTION_KEYS.map((key) => [key, initialText(settings.retention[key])])) as Record<RetentionKey, string>);
  const [errors, setErrors] = useState<Partial<Record<RetentionKey, string>>>({});
  const update = useSettingsUpdate('Retention windows');
  return (
    <form
      className="admin-section stack"
      aria-labelledby="settings-retention"
      onSubmit={(event) => {
        event.preventDefault();
        const patch: Partial<Record<RetentionKey, number | null>> = {};
        const problems: Partial<Record<RetentionKey, string>> = {};
        for (const key of RETENTION_KEYS) {
          const parsed = daysPatch(values[key], settings.retention[key]);
          if ('error' in parsed) problems[key] = parsed.error;
          else if (parsed.patch !== undefined) patch[key] = parsed.patch;
        }
        setErrors(problems);
        if (Object.keys(problems).length > 0) return;
        if (Object.keys(patch).length === 0) return toast({ tone: 'info', title: 'Nothing to save', message: 'The retention windows are as saved.' });
        update.mutate({ retention: patch });
      }}
    >
      <h2 id="settings-retention">Retention</h2>
      <p className="muted">Older records are deleted every few hours. An AGENTDOCK_RETENTION_*_DAYS variable overrides the value saved here.</p>
      <div className="retention-grid">
        {RETENTION_KEYS.map((key) => {
          const setting = settings.retention[key];
          return (
            <label key={key} className="field">
              <span>
                {RETENTION_LABELS[key].label} <span className="muted">— {RETENTION_LABELS[key].hint}</span>
              </span>
              <span className="days-input">
                <input
                  className="input mono"
                  inputMode="decimal"
                  value={values[key]}
                  placeholder={String(setting.defaultValue)}
                  aria-invalid={errors[key] ? true : undefined}
                  onChange={(event) => setValues((current) => ({ ...current, [key]: event.target.value }))}
                  disabled={!canEdit}
                />
                <span className="muted">days</span>
              </span>
              {errors[key] ? <span className="field-note error">{errors[key]}</span> : null}
              <span className={setting.source === 'environment' ? 'field-note warning-text' : 'field-note muted'}>{describeSource(setting, ' days')}</span>
            </label>
          );
        })}
      </div>
      {canEdit ? (
        <div className="actions">
          <button type="submit" className="button primary" disabled={update.isPending}>
            Save retention
          </button>
          <span className="muted">Leave a field empty for the default.</span>
        </div>
      ) : null}
    </form>
  );
}
