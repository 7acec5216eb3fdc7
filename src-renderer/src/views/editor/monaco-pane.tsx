import { useEffect, useRef, useState } from 'react';
import type { ReactNode } from 'react';
import type { editor as MonacoEditorNamespace } from 'monaco-editor/editor/editor.api';
import type { MarkerData } from './markers';
import { minimalEdit } from './minimal-edit';

import type * as MonacoSetup from './monaco-setup';

type Monaco = (typeof MonacoSetup)['monaco'];

/** What the editor view can do with the loaded editor. */
export interface EditorHandle {
  setMarkers(markers: readonly MarkerData[]): void;
  reveal(line: number, column: number): void;
  setValue(text: string): void;
  /** Replaces the buffer as one undoable edit of only the part that changed (Format, the form). */
  applyText(text: string): void;
  focus(): void;
}

export interface MonacoPaneProps {
  initialValue: string;
  /** Changing it replaces the buffer (another file was opened). */
  documentKey: string;
  theme: 'dark' | 'light';
  onChange(text: string): void;
  onSave(): void;
  /** Shift+Alt+F and the context menu's "Format Dockfile". */
  onFormat(): void;
  onReady(handle: EditorHandle): void;
}

/** Monaco, imported on first mount (its own chunk), disposed with the component. */
export function MonacoPane({ initialValue, documentKey, theme, onChange, onSave, onFormat, onReady }: MonacoPaneProps): ReactNode {
  const host = useRef<HTMLDivElement>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [loaded, setLoaded] = useState(false);
  const callbacks = useRef({ onChange, onSave, onFormat, onReady });
  useEffect(() => {
    callbacks.current = { onChange, onSave, onFormat, onReady };
  });
  const editorRef = useRef<MonacoEditorNamespace.IStandaloneCodeEditor | null>(null);
  const monacoRef = useRef<Monaco | null>(null);
  const initial = useRef(initialValue);
  initial.current = initialValue;

  useEffect(() => {
    let disposed = false;
    let cleanup: (() => void) | undefined;
    import('./monaco-setup').then(
      ({ monaco, dockfileModelUri }) => {
        if (disposed || !host.current) return;
        monacoRef.current = monaco;
        const model = monaco.editor.createModel(initial.current, 'yaml', dockfileModelUri(documentKey));
        const editor = monaco.editor.create(host.current, {
          model,
          automaticLayout: true,
          minimap: { enabled: false },
          fontSize: 13,
          tabSize: 2,
          insertSpaces: true,
          renderWhitespace: 'boundary',
          scrollBeyondLastLine: false,
          ariaLabel: 'Dockfile editor',
          // Completion comes from the Dockfile schema (schema-language.ts), not from words in the buffer.
          wordBasedSuggestions: 'off',
          theme: theme === 'dark' ? 'vs-dark' : 'vs',
        });
        editorRef.current = editor;
        const change = model.onDidChangeContent(() => callbacks.current.onChange(model.getValue()));
        editor.addCommand(monaco.KeyMod.CtrlCmd | monaco.KeyCode.KeyS, () => callbacks.current.onSave());
        const formatAction = editor.addAction({
          id: 'agentdock.formatDockfile',
          label: 'Format Dockfile',
          keybindings: [monaco.KeyMod.Shift | monaco.KeyMod.Alt | monaco.KeyCode.KeyF],
          contextMenuGroupId: '1_modification',
          run: () => callbacks.current.onFormat(),
        });
        setLoaded(true);
        // The view may still hold this handle for a moment after another document replaced it:
        // every call checks that the model is alive instead of throwing "Model is disposed!".
        const alive = (): boolean => !model.isDisposed();
        callbacks.current.onReady({
          setMarkers: (markers) => {
            if (alive()) monaco.editor.setModelMarkers(model, 'dockfile', markers.map((marker) => ({ ...marker })));
          },
          reveal: (line, column) => {
            if (!alive()) return;
            editor.revealLineInCenter(line);
            editor.setPosition({ lineNumber: line, column });
            editor.focus();
          },
          setValue: (text) => {
            if (alive() && model.getValue() !== text) model.setValue(text);
          },
          focus: () => {
            if (alive()) editor.focus();
          },
          applyText: (text) => {
            if (!alive()) return;
            const edit = minimalEdit(model.getValue(), text);
            if (!edit) return;
            const start = model.getPositionAt(edit.start);
            const end = model.getPositionAt(edit.end);
            editor.pushUndoStop();
            editor.executeEdits('agentdock', [{ range: new monaco.Range(start.lineNumber, start.column, end.lineNumber, end.column), text: edit.text }]);
            editor.pushUndoStop();
          },
        });
        cleanup = () => {
          formatAction.dispose();
          change.dispose();
          editor.dispose();
          model.dispose();
          editorRef.current = null;
        };
      },
      (error: unknown) => {
        if (!disposed) setFailure(error instanceof Error ? error.message : String(error));
      },
    );
    return () => {
      disposed = true;
      cleanup?.();
    };
    // Created once per document: the theme is applied below without recreating the editor.
  }, [documentKey]);

  useEffect(() => {
    monacoRef.current?.editor.setTheme(theme === 'dark' ? 'vs-dark' : 'vs');
  }, [theme, loaded]);

  if (failure) {
    return (
      <div className="error-box" role="alert">
        <strong>The editor could not load</strong>
        <span className="error-text">{failure}</span>
      </div>
    );
  }
  return (
    <div className="monaco-frame" data-loaded={loaded}>
      <div className="monaco-host" ref={host} />
      {loaded ? null : <div className="view-loading monaco-loading">Loading the editor…</div>}
    </div>
  );
}
