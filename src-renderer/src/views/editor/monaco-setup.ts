/**
 * Monaco, bundled (the CSP forbids remote code, so no CDN loader): the editor API, the
 * contributions the Dockfile editor uses, YAML highlighting, schema completion and hover
 * (schema-language.ts) and JSON. Only the editor view's dynamic import reaches this module, so all
 * of it lands in a chunk loaded when the view opens. Workers are Vite `?worker` imports: separate
 * same-origin files, allowed by `script-src 'self'` (no blob: URLs needed).
 */
import EditorWorker from 'monaco-editor/editor/editor.worker?worker';
import JsonWorker from 'monaco-editor/language/json/json.worker?worker';
import * as monaco from 'monaco-editor/editor/editor.api';
import 'monaco-editor/features/codicon/register';
import 'monaco-editor/features/bracketMatching/register';
import 'monaco-editor/features/clipboard/register';
import 'monaco-editor/features/comment/register';
import 'monaco-editor/features/contextmenu/register';
import 'monaco-editor/features/cursorUndo/register';
import 'monaco-editor/features/find/register';
import 'monaco-editor/features/folding/register';
import 'monaco-editor/features/format/register';
import 'monaco-editor/features/gotoError/register';
import 'monaco-editor/features/hover/register';
import 'monaco-editor/features/indentation/register';
import 'monaco-editor/features/linesOperations/register';
import 'monaco-editor/features/multicursor/register';
import 'monaco-editor/features/suggest/register';
// features/suggest/register (0.57) brings only the inline-completion bridge: without the controller
// there is no suggest widget and no Ctrl+Space (`editor.action.triggerSuggest` is not registered).
import 'monaco-editor/editor/contrib/suggest/browser/suggestController';
import 'monaco-editor/features/wordHighlighter/register';
import 'monaco-editor/features/wordOperations/register';
import 'monaco-editor/languages/definitions/yaml/register';
import 'monaco-editor/language/json/monaco.contribution';
import { configureDockfileLanguage } from './schema-language';

self.MonacoEnvironment = {
  getWorker(_workerId: string, label: string): Worker {
    return label === 'json' ? new JsonWorker() : new EditorWorker();
  },
};

configureDockfileLanguage();

export { monaco };
export { dockfileModelUri } from './schema-language';
