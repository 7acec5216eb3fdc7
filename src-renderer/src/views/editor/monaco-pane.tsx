import { useEffect, useRef, useState } from 'react';
import type { ReactNode } from 'react';
import type { editor as MonacoEditorNamespace } from 'monaco-editor/editor/editor.api';
import type { MarkerData } from './markers';

import type * as MonacoSetup from './monaco-setup';

type Monaco = (typeof MonacoSetup)['monaco'];

/** What the editor view can do with the loaded editor. */
export interface EditorHandle {
  setMarkers(markers: readonly MarkerData[]): void;
  reveal(line: number, column: number): void;
  setValue(text: string): void;
}

export interface MonacoPaneProps {
  initialValue: string;
  /** Changing it replaces the buffer (another file was opened). */
  documentKey: string;
  theme: 'dark' | 'light';
  onChange(text: string): void;
  onSave(): void;
  onReady(handle: EditorHandle): void;
}

/** Monaco, imported on first mount (its own chunk), disposed with the component. */
export function MonacoPane({ initialValue, documentKey, theme, onChange, onSave, onReady }: MonacoPaneProps): ReactNode {
  const host = useRef<HTMLDivElement>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [loaded, setLoaded] = useState(false);
  const callbacks = useRef({ onChange, onSave, onReady });
  useEffect(() => {
    callbacks.current = { onChange, onSave, onReady };
  });
  const editorRef = useRef<MonacoEditorNamespace.IStandaloneCodeEditor | null>(null);
  const monacoRef = useRef<Monaco | null>(null);
  const initial = useRef(initialValue);
  initial.current = initialValue;

  useEffect(() => {
    let disposed = false;
    let cleanup: (() => void) | undefined;
    import('./monaco-setup').then(
      ({ monaco }) => {
        if (disposed || !host.current) return;
        monacoRef.current = monaco;
        const model = monaco.editor.createModel(initial.current, 'yaml', monaco.Uri.parse(`inmemory://dockfile/${encodeURIComponent(documentKey)}`));
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
          theme: theme === 'dark' ? 'vs-dark' : 'vs',
        });
        editorRef.current = editor;
        const change = model.onDidChangeContent(() => callbacks.current.onChange(model.getValue()));
        editor.addCommand(monaco.KeyMod.CtrlCmd | monaco.KeyCode.KeyS, () => callbacks.current.onSave());
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
        });
        cleanup = () => {
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
