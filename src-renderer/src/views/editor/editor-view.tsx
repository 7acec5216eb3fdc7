import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { ReactNode } from 'react';
import type { DockfileDiagnostic } from '../../../../src-shared/dockfile/diagnostics';
import { ErrorMessage } from '../../components/error-message';
import { callConsole, useConsoleMutation } from '../../console/requests';
import { useCan } from '../../console/use-role';
import { toast } from '../../state/toast-store';
import { useUi } from '../../state/ui-store';
import { OpenProjectForm } from '../welcome/open-project-form';
import { DockfileForm } from './dockfile-form';
import { formatDockfile } from './format-dockfile';
import { validateBuffer } from './local-validation';
import { countProblems, mergeDiagnostics, problemStatusLabel, problemSummary, toMarker } from './markers';
import { MonacoPane } from './monaco-pane';
import type { EditorHandle } from './monaco-pane';
import { ProblemsList } from './problems-list';
import { STARTER_DOCKFILE, UNTITLED_FILE } from './starter-dockfile';
import './editor.css';

type EditorMode = 'editor' | 'form';

/** Milliseconds of quiet before checking: the local check is cheap, the full one goes to main. */
const LOCAL_DEBOUNCE_MS = 150;
const REMOTE_DEBOUNCE_MS = 400;

/** The Dockfile editor: Monaco (lazy) or a form over the same text, live markers, problems list, format, save. Default export for React.lazy. */
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
  const [mode, setMode] = useState<EditorMode>('editor');
  const [formatProblem, setFormatProblem] = useState<string | null>(null);

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

  // A refusal to format describes the text it was given; any edit makes it stale.
  useEffect(() => setFormatProblem(null), [text]);

  /** A change made outside Monaco (Format, the form): one undoable edit in the editor, and the new text. */
  const applyText = useCallback((next: string) => {
    setText(next);
    handle.current?.applyText(next);
  }, []);
  const doFormat = useCallback(() => {
    const result = formatDockfile(textRef.current);
    if (!result.ok) setFormatProblem(result.reason);
    else if (result.changed) applyText(result.text);
    // Back to typing (and Ctrl+S) after the button too.
    if (result.ok) handle.current?.focus();
  }, [applyText]);
  const reveal = useCallback((line: number, column: number) => {
    setMode('editor');
    // After the editor is shown again (it keeps its state while the form is up).
    requestAnimationFrame(() => handle.current?.reveal(line, column));
  }, []);

  const dirty = text !== savedText;
  const counts = countProblems(diagnostics);
  const badgeTone = counts.errors > 0 ? 'badge not-found' : counts.warnings > 0 ? 'badge warning' : 'badge found';

  return (
    <section className="editor-view" aria-labelledby="editor-title">
      <div className="view-header">
        <h1 id="editor-title">Editor</h1>
        <span className="mono muted" title={file}>
          {project ? project.file : 'Untitled Dockfile (not saved anywhere)'}
          {dirty ? ' ●' : ''}
        </span>
        <span className={badgeTone} role="status" aria-label={problemStatusLabel(counts)}>
          {problemSummary(counts)}
        </span>
        <span className="spacer" />
        <div className="segmented" role="group" aria-label="Edit as">
          <button type="button" className="button small" aria-pressed={mode === 'editor'} onClick={() => setMode('editor')}>
            Editor
          </button>
          <button type="button" className="button small" aria-pressed={mode === 'form'} onClick={() => setMode('form')}>
            Form
          </button>
        </div>
        <button type="button" className="button" onClick={doFormat} aria-keyshortcuts="Shift+Alt+F" title="Format (Shift+Alt+F)">
          Format
        </button>
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
      {formatProblem ? (
        <div className="error-box" role="alert">
          <strong>Not formatted</strong>
          <span className="error-text">{formatProblem}</span>
          <button type="button" className="button small" onClick={() => setFormatProblem(null)}>
            Dismiss
          </button>
        </div>
      ) : null}
      <div className="editor-split">
        {/* Monaco stays mounted under the form: its undo history, cursor and markers survive the switch. */}
        <div className="editor-mode-pane" hidden={mode !== 'editor'}>
          <MonacoPane
            initialValue={text}
            documentKey={documentKey}
            theme={theme}
            onChange={setText}
            onSave={doSave}
            onFormat={doFormat}
            onReady={(ready) => {
              handle.current = ready;
              ready.setMarkers(diagnostics.filter((d) => d.file === file).map(toMarker));
            }}
          />
        </div>
        {mode === 'form' ? <DockfileForm text={text} onChange={applyText} diagnostics={diagnostics.filter((d) => d.file === file)} /> : null}
        <ProblemsList diagnostics={diagnostics} currentFile={file} onReveal={(d) => reveal(d.line, d.column)} />
      </div>
    </section>
  );
}
