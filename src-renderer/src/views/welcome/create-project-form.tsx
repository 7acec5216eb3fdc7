import { useState } from 'react';
import type { ReactNode } from 'react';
import { ErrorMessage } from '../../components/error-message';
import { useConsoleMutation } from '../../console/requests';
import { useOpenInEditor } from './use-open-in-editor';

/** Creates a starter agent project in a folder (`project:init`, like `agentdock init`) and opens its Dockfile. */
export function CreateProjectForm(): ReactNode {
  const [directory, setDirectory] = useState('');
  const [framework, setFramework] = useState<'langgraph' | 'langchain'>('langgraph');
  const [language, setLanguage] = useState<'typescript' | 'python'>('typescript');
  const openInEditor = useOpenInEditor();
  const create = useConsoleMutation('project:init', { onSuccess: openInEditor });
  return (
    <form
      className="inline-form"
      aria-label="Create an agent project"
      onSubmit={(event) => {
        event.preventDefault();
        if (directory.trim()) create.mutate({ directory: directory.trim(), framework, language });
      }}
    >
      <label className="field grow">
        <span>New project folder</span>
        <input className="input mono" value={directory} onChange={(event) => setDirectory(event.target.value)} placeholder="/home/me/agents/lead-scorer" spellCheck={false} />
      </label>
      <label className="field">
        <span>Framework</span>
        <select className="input" value={framework} onChange={(event) => setFramework(event.target.value as typeof framework)}>
          <option value="langgraph">LangGraph</option>
          <option value="langchain">LangChain</option>
        </select>
      </label>
      <label className="field">
        <span>Language</span>
        <select className="input" value={language} onChange={(event) => setLanguage(event.target.value as typeof language)}>
          <option value="typescript">TypeScript</option>
          <option value="python">Python</option>
        </select>
      </label>
      <button type="submit" className="button" disabled={create.isPending || !directory.trim()}>
        {create.isPending ? 'Creating…' : 'Create project'}
      </button>
      {create.isError ? <ErrorMessage error={create.error} title="Could not create the project" /> : null}
    </form>
  );
}
