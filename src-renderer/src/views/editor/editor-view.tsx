import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { ReactNode } from 'react';
import type { DockfileDiagnostic } from '../../../../src-shared/dockfile/diagnostics';
import { ErrorMessage } from '../../components/error-message';
import { callConsole, useConsoleMutation } from '../../console/requests';
import { useCan } from '../../console/use-role';
import { toast } from '../../state/toast-store';
import { useUi } from '../../state/ui-store';
import { OpenProjectForm } from '../welcome/open-project-form';
import { validateBuffer } from './local-validation';
import { mergeDiagnostics, toMarker } from './markers';
import { MonacoPane } from './monaco-pane';
import type { EditorHandle } from './monaco-pane';
import { ProblemsList } from './problems-list';
import { STARTER_DOCKFILE, UNTITLED_FILE } from './starter-dockfile';

/** Milliseconds of quiet before checking: the local check is cheap, the full one goes to main. */
const LOCAL_DEBOUNCE_MS = 150;
const REMOTE_DEBOUNCE_MS = 400;

/** The Dockfile editor: Monaco (lazy), live markers, problems list, save. Default export for React.lazy. */
export default function EditorView(): ReactNode {
  const { project, setProject, theme, navigate, setDraft } = useUi();
  const canSave = useCan('project:save');
  const canDeploy = useCan('deploy:create');
  const canOpen = useCan('project:open');
  const file = project?.file ?? UNTITLED_FILE;
  const documentKey = project?.file ?? 'untitled';
  const savedOnDisk = project?.text ?? STARTER_DOCKFILE;
  // Read once per document: an unsaved draft from an earlier visit wins over the file.
  const initialText = useMemo(() => useUi.getState().drafts[documentKey] ?? savedOnDisk, [documentKey]);

  const [text, setText] = useState(initialText);
  const [savedText, setSavedText] = useState(savedOnDisk);
  const [local, setLocal] = useState<DockfileDiagnostic[]>([]);
  const [remote, setRemote] = useState<{ text: string; diagnostics: DockfileDiagnostic[] } | null>(null);
  const [remoteError, setRemoteError] = useState<unknown>(null);
  const handle = useRef<EditorHandle | null>(null);

  // Another project opened: start over from its text.
  useEffect(() => {
    setText(initialText);
    setSavedText(savedOnDisk);
    setRemote(null);
    handle.current?.setValue(initialText);
    // Only on a new document (initialText follows documentKey).
  }, [documentKey]);

  // Keep unsaved edits in the UI store; a saved (or unchanged) buffer needs no draft.
  useEffect(() => {
    setDraft(documentKey, text === savedText ? null : text);
  }, [documentKey, text, savedText, setDraft]);

  // The fast check, in the renderer, ~150 ms after typing stops.
  useEffect(() => {
    let current = true;
    const timer = setTimeout(() => {
      validateBuffer(text, file).then(
        (diagnostics) => current && setLocal(diagnostics),
        (error: unknown) => current && setRemoteError(error),
      );
    }, LOCAL_DEBOUNCE_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [text, file]);

  // The full check (project files too) in main, when a file is open; a newer buffer cancels the older request.
  useEffect(() => {
    if (!project) return;
    const abort = new AbortController();
    const timer = setTimeout(() => {
      callConsole('dockfile:validate', { text, file: project.file }, { signal: abort.signal }).then(
        (report) => {
          if (abort.signal.aborted) return;
          setRemote({ text, diagnostics: report.diagnostics });
          setRemoteError(null);
        },
        (error: unknown) => {
          if (!abort.signal.aborted) setRemoteError(error);
        },
      );
    }, REMOTE_DEBOUNCE_MS);
    return () => {
      clearTimeout(timer);
      abort.abort();
    };
  }, [text, project]);

  const diagnostics = useMemo(() => mergeDiagnostics(local, remote?.diagnostics ?? null, remote?.text === text), [local, remote, text]);

  useEffect(() => {
    handle.current?.setMarkers(diagnostics.filter((d) => d.file === file).map(toMarker));
  }, [diagnostics, file]);

  const save = useConsoleMutation('project:save', {
    onSuccess: (saved) => {
      setSavedText(saved.text);
      setProject(saved);
      toast({ tone: 'success', title: 'Saved', message: saved.file });
    },
  });
  const textRef = useRef(text);
  textRef.current = text;
  const doSave = useCallback(() => {
    if (!project || !canSave) return;
    save.mutate({ file: project.file, text: textRef.current });
  }, [project, canSave, save]);

  const dirty = text !== savedText;
  const errors = diagnostics.filter((d) => d.severity === 'error').length;

  return (
    <section className="editor-view" aria-labelledby="editor-title">
      <div className="view-header">
        <h1 id="editor-title">Editor</h1>
        <span className="mono muted" title={file}>
          {project ? project.file : 'Untitled Dockfile (not saved anywhere)'}
          {dirty ? ' ●' : ''}
        </span>
        <span className={errors > 0 ? 'badge not-found' : 'badge found'} role="status" aria-label={errors > 0 ? `${errors} errors` : 'No errors'}>
          {errors > 0 ? `${errors} error${errors === 1 ? '' : 's'}` : 'valid'}
        </span>
        <span className="spacer" />
        {project && canSave ? (
          <button type="button" className="button primary" onClick={doSave} disabled={save.isPending || !dirty} aria-keyshortcuts="Control+S Meta+S">
            {save.isPending ? 'Saving…' : 'Save'}
          </button>
        ) : null}
        {project && canDeploy ? (
          <button type="button" className="button" onClick={() => navigate({ view: 'deploy' })}>
            Deploy…
          </button>
        ) : null}
      </div>
      {!project && canOpen ? (
        <details className="open-project">
          <summary>Open a project to validate its code references and save</summary>
          <OpenProjectForm />
        </details>
      ) : null}
      {remoteError ? <ErrorMessage error={remoteError} title="Validation failed" /> : null}
      <div className="editor-split">
        <MonacoPane
          initialValue={initialText}
          documentKey={documentKey}
          theme={theme}
          onChange={setText}
          onSave={doSave}
          onReady={(ready) => {
            handle.current = ready;
            ready.setMarkers(diagnostics.filter((d) => d.file === file).map(toMarker));
          }}
        />
        <ProblemsList diagnostics={diagnostics} currentFile={file} onReveal={(d) => handle.current?.reveal(d.line, d.column)} />
      </div>
    </section>
  );
}
