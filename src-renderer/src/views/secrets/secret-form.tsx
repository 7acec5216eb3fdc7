import { useState } from 'react';
import type { ReactNode } from 'react';
import type { SecretRow } from '../../../../src-shared/ipc/console-types';
import { FormActions } from '../../components/form-actions';

export interface SecretFormValue {
  name: string;
  value: string;
  environment: 'dev' | 'prod';
  agent: string;
}

/** Add a secret, or set a new value for one (edit / rotate): the name, environment and agent are fixed then. */
export function SecretForm({ existing, mode, pending, onSubmit, onCancel }: { existing?: SecretRow; mode: 'add' | 'edit' | 'rotate'; pending: boolean; onSubmit(value: SecretFormValue): void; onCancel(): void }): ReactNode {
  const [name, setName] = useState(existing?.name ?? '');
  const [value, setValue] = useState('');
  const [environment, setEnvironment] = useState<'dev' | 'prod'>(existing?.environment ?? 'dev');
  const [agent, setAgent] = useState(existing?.agent ?? '');
  const title = mode === 'add' ? 'Add secret' : mode === 'rotate' ? `Rotate ${existing?.name ?? ''}` : `Edit ${existing?.name ?? ''}`;
  return (
    <form
      className="secret-form stack"
      aria-label={title}
      onSubmit={(event) => {
        event.preventDefault();
        onSubmit({ name: name.trim(), value, environment, agent: agent.trim() });
      }}
    >
      <h2>{title}</h2>
      <div className="inline-form">
        <label className="field inline">
          <span>Name</span>
          <input className="input mono" value={name} onChange={(event) => setName(event.target.value.toUpperCase())} pattern="[A-Z_][A-Z0-9_]{0,127}" title="UPPER_SNAKE_CASE" required disabled={mode !== 'add'} />
        </label>
        <label className="field inline">
          <span>Environment</span>
          <select className="input" value={environment} onChange={(event) => setEnvironment(event.target.value as 'dev' | 'prod')} disabled={mode !== 'add'}>
            <option value="dev">dev</option>
            <option value="prod">prod</option>
          </select>
        </label>
        <label className="field inline">
          <span>Agent</span>
          <input className="input" value={agent} onChange={(event) => setAgent(event.target.value)} placeholder="all agents" disabled={mode !== 'add'} />
        </label>
      </div>
      <label className="field">
        <span>{mode === 'rotate' ? 'New value' : 'Value'}</span>
        <input className="input mono" type="password" autoComplete="off" value={value} onChange={(event) => setValue(event.target.value)} required />
      </label>
      {mode === 'rotate' ? <p className="muted">Running replicas get the new value without a restart.</p> : null}
      <FormActions submitLabel={mode === 'add' ? 'Save secret' : mode === 'rotate' ? 'Rotate' : 'Save'} disabled={pending || !value || !name} onCancel={onCancel} />
    </form>
  );
}
