import { useState } from 'react';
import type { ReactNode } from 'react';
import type { AlertSeverity } from '../../../../src-shared/ipc/admin-types';
import type { RequestInput } from '../../../../src-shared/ipc/contract';
import { FormActions } from '../../components/form-actions';
import { parseRecipients } from './settings-form';

type Tls = 'starttls' | 'tls' | 'none';
const DEFAULT_PORT: Record<Tls, number> = { starttls: 587, tls: 465, none: 25 };

/** Add a webhook (its URL is a secret: typed masked) or an SMTP channel. */
export function ChannelForm({ pending, onSubmit, onCancel }: { pending: boolean; onSubmit(value: RequestInput<'alerts:channels:add'>): void; onCancel(): void }): ReactNode {
  const [kind, setKind] = useState<'webhook' | 'email'>('webhook');
  const [name, setName] = useState('');
  const [minSeverity, setMinSeverity] = useState<AlertSeverity>('warning');
  const [url, setUrl] = useState('');
  const [host, setHost] = useState('');
  const [tls, setTls] = useState<Tls>('starttls');
  const [port, setPort] = useState('');
  const [user, setUser] = useState('');
  const [password, setPassword] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  return (
    <form
      className="inline-panel stack"
      aria-label="Add alert channel"
      onSubmit={(event) => {
        event.preventDefault();
        const common = { name: name.trim(), minSeverity };
        if (kind === 'webhook') return onSubmit({ kind, ...common, url: url.trim() });
        onSubmit({
          kind,
          ...common,
          host: host.trim(),
          port: port.trim() ? Number(port) : DEFAULT_PORT[tls],
          tls,
          from: from.trim(),
          to: parseRecipients(to),
          ...(user.trim() ? { user: user.trim() } : {}),
          ...(password ? { password } : {}),
        });
      }}
    >
      <div className="inline-form">
        <label className="field inline">
          <span>Kind</span>
          <select className="input" value={kind} onChange={(event) => setKind(event.target.value as 'webhook' | 'email')}>
            <option value="webhook">Webhook (Slack, Mattermost, Teams)</option>
            <option value="email">E-mail (SMTP)</option>
          </select>
        </label>
        <label className="field inline">
          <span>Name</span>
          <input className="input mono" value={name} onChange={(event) => setName(event.target.value.toLowerCase())} placeholder="ops" pattern="[a-z0-9][a-z0-9_\-]{0,62}" title="lowercase letters, digits, - and _" required autoFocus />
        </label>
        <label className="field inline">
          <span>From severity</span>
          <select className="input" value={minSeverity} onChange={(event) => setMinSeverity(event.target.value as AlertSeverity)}>
            <option value="info">info</option>
            <option value="warning">warning</option>
            <option value="critical">critical</option>
          </select>
        </label>
      </div>
      {kind === 'webhook' ? (
        <label className="field">
          <span>Webhook URL</span>
          <input className="input mono" type="password" value={url} onChange={(event) => setUrl(event.target.value)} placeholder="https://hooks.slack.com/services/…" autoComplete="off" required />
          <span className="field-note muted">The URL is the credential: it goes to the vault, and only its host is shown.</span>
        </label>
      ) : (
        <>
          <div className="inline-form">
            <label className="field inline">
              <span>SMTP host</span>
              <input className="input mono" value={host} onChange={(event) => setHost(event.target.value)} placeholder="smtp.example.com" required spellCheck={false} />
            </label>
            <label className="field inline">
              <span>Security</span>
              <select className="input" value={tls} onChange={(event) => setTls(event.target.value as Tls)}>
                <option value="starttls">STARTTLS</option>
                <option value="tls">TLS</option>
                <option value="none">none (loopback relay only)</option>
              </select>
            </label>
            <label className="field inline">
              <span>Port</span>
              <input className="input mono" inputMode="numeric" value={port} onChange={(event) => setPort(event.target.value)} placeholder={String(DEFAULT_PORT[tls])} />
            </label>
            <label className="field inline">
              <span>User</span>
              <input className="input mono" value={user} onChange={(event) => setUser(event.target.value)} autoComplete="off" />
            </label>
            <label className="field inline">
              <span>Password</span>
              <input className="input mono" type="password" value={password} onChange={(event) => setPassword(event.target.value)} autoComplete="new-password" />
            </label>
          </div>
          <div className="inline-form">
            <label className="field inline">
              <span>From</span>
              <input className="input mono" value={from} onChange={(event) => setFrom(event.target.value)} placeholder="agentdock@example.com" required />
            </label>
            <label className="field inline grow">
              <span>To</span>
              <input className="input mono" value={to} onChange={(event) => setTo(event.target.value)} placeholder="ops@example.com, oncall@example.com" required />
            </label>
          </div>
        </>
      )}
      <FormActions submitLabel="Add channel" disabled={pending} onCancel={onCancel} />
    </form>
  );
}
