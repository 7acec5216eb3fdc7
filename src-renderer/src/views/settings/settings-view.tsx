import type { ReactNode } from 'react';
import { ErrorMessage } from '../../components/error-message';
import { useConsoleQuery } from '../../console/requests';
import { useCan } from '../../console/use-role';
import { AlertChannelsSection } from './alert-channels-section';
import { BaseImagesForm } from './base-images-form';
import { RegistriesSection } from './registries-section';
import { RetentionForm } from './retention-form';
import '../admin-views.css';

/** Base images, container registries, alert channels and retention: read by everyone, changed by admins (audited). */
export function SettingsView(): ReactNode {
  const settings = useConsoleQuery('settings:get', {});
  const canEdit = useCan('settings:update');
  const canEditChannels = useCan('alerts:channels:add');
  // Remount the forms when the stored values change, so they start from what is saved.
  const version = settings.data ? JSON.stringify([settings.data.baseImages, settings.data.retention].map((group) => Object.values(group).map((setting) => setting.stored))) : '';
  return (
    <section className="admin-view" aria-labelledby="settings-title">
      <div className="view-header">
        <h1 id="settings-title">Settings</h1>
        <span className="muted">{canEdit ? 'Every change is written to the audit log.' : 'Only admins can change settings.'}</span>
      </div>
      {settings.isPending ? <p className="muted">Loading settings…</p> : null}
      {settings.isError ? <ErrorMessage error={settings.error} title="Could not load the settings" onRetry={() => void settings.refetch()} /> : null}
      {settings.data ? (
        <>
          <BaseImagesForm key={`images-${version}`} settings={settings.data} canEdit={canEdit} />
          <RegistriesSection registries={settings.data.registries} canEdit={canEdit} />
          <AlertChannelsSection canEdit={canEditChannels} />
          <RetentionForm key={`retention-${version}`} settings={settings.data} canEdit={canEdit} />
        </>
      ) : null}
    </section>
  );
}
