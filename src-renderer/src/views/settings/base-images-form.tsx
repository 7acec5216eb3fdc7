import { useState } from 'react';
import type { ReactNode } from 'react';
import type { SettingsSnapshot } from '../../../../src-shared/ipc/admin-types';
import { toast } from '../../state/toast-store';
import { describeSource, imagePatch, initialText } from './settings-form';
import { useSettingsUpdate } from './use-settings-update';

const FIELDS = [
  { key: 'node', label: 'Node.js base image', hint: 'JavaScript and TypeScript agents; Python images take node from it' },
  { key: 'python', label: 'Python base image', hint: 'Python agents' },
] as const;

/** The images Docker deploys build on (empty: the official default). */
export function BaseImagesForm({ settings, canEdit }: { settings: SettingsSnapshot; canEdit: boolean }): ReactNode {
  const [values, setValues] = useState({ node: initialText(settings.baseImages.node), python: initialText(settings.baseImages.python) });
  const update = useSettingsUpdate('Base images');
  return (
    <form
      className="admin-section stack"
      aria-labelledby="settings-images"
      onSubmit={(event) => {
        event.preventDefault();
        const patch = Object.fromEntries(FIELDS.map(({ key }) => [key, imagePatch(values[key], settings.baseImages[key])]).filter(([, value]) => value !== undefined));
        if (Object.keys(patch).length === 0) return toast({ tone: 'info', title: 'Nothing to save', message: 'The base images are as saved.' });
        update.mutate({ baseImages: patch });
      }}
    >
      <h2 id="settings-images">Docker base images</h2>
      {FIELDS.map(({ key, label, hint }) => (
        <label key={key} className="field">
          <span>
            {label} <span className="muted">— {hint}</span>
          </span>
          <input
            className="input mono"
            value={values[key]}
            placeholder={settings.baseImages[key].defaultValue}
            onChange={(event) => setValues((current) => ({ ...current, [key]: event.target.value }))}
            disabled={!canEdit}
            spellCheck={false}
          />
          <span className={settings.baseImages[key].source === 'environment' ? 'field-note warning-text' : 'field-note muted'}>{describeSource(settings.baseImages[key])}</span>
        </label>
      ))}
      {canEdit ? (
        <div className="actions">
          <button type="submit" className="button primary" disabled={update.isPending}>
            Save base images
          </button>
          <span className="muted">Leave a field empty for the default. Applies to the next Docker deploy.</span>
        </div>
      ) : null}
    </form>
  );
}
