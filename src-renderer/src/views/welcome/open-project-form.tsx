import { useState } from 'react';
import type { ReactNode } from 'react';
import { ErrorMessage } from '../../components/error-message';
import { useConsoleMutation } from '../../console/requests';
import { useUi } from '../../state/ui-store';
import { useOpenInEditor } from './use-open-in-editor';

/** A path input that opens an agent project's Dockfile in the editor (`project:open`). */
export function OpenProjectForm({ autoFocus }: { autoFocus?: boolean }): ReactNode {
  const { project } = useUi();
  const [path, setPath] = useState(project?.projectDir ?? '');
  const openInEditor = useOpenInEditor();
  const open = useConsoleMutation('project:open', { onSuccess: openInEditor });
  return (
    <form
      className="inline-form"
      onSubmit={(event) => {
        event.preventDefault();
        if (path.trim()) open.mutate({ path: path.trim() });
      }}
    >
      <label className="field grow">
        <span>Agent project directory or Dockfile</span>
        <input className="input mono" value={path} onChange={(event) => setPath(event.target.value)} placeholder="/home/me/agents/support-bot" autoFocus={autoFocus} spellCheck={false} />
      </label>
      <button type="submit" className="button primary" disabled={open.isPending || !path.trim()}>
        {open.isPending ? 'Opening…' : 'Open project'}
      </button>
      {open.isError ? <ErrorMessage error={open.error} title="Could not open the project" /> : null}
    </form>
  );
}
