/**
 * Completion and hover docs for Dockfiles, from the Dockfile JSON Schema (src-shared/dockfile/schema.ts),
 * by monaco-yaml's language server in a worker. Its own validation and formatting stay off: markers
 * come from our validator (markers.ts), and Format is ours (format-dockfile.ts).
 */
import { configureMonacoYaml } from 'monaco-yaml';
import type { MonacoYaml, JSONSchema } from 'monaco-yaml';
import * as monaco from 'monaco-editor/editor/editor.api';
import { dockfileSchema } from '../../../../src-shared/dockfile/schema';
import YamlWorker from './yaml.worker?worker';

/** Editor models of Dockfiles live under this URI prefix; the schema applies to them and nothing else. */
export const DOCKFILE_MODEL_PREFIX = 'inmemory://dockfile/';

/** The model URI of one open document (`documentKey`: its path, or `untitled`). */
export function dockfileModelUri(documentKey: string): monaco.Uri {
  return monaco.Uri.parse(`${DOCKFILE_MODEL_PREFIX}${encodeURIComponent(documentKey)}`);
}

type WorkerOptions = { createData?: unknown };
type ConfigurableMonaco = Parameters<typeof configureMonacoYaml>[0];

/**
 * monaco-worker-manager 2.0.1 (monaco-yaml's, the latest release) calls the pre-0.56
 * `editor.createWebWorker({ moduleId, label, createData })`; Monaco 0.57 wants the Worker itself.
 * This starts the worker the way Monaco 0.57 starts its own language workers
 * (monaco-editor/internal/common/workers.js): one message that runs the worker's `initialize`,
 * then the create data.
 */
function withWorkerFactory(editorApi: typeof monaco): ConfigurableMonaco {
  const createWebWorker = (options: WorkerOptions) => {
    const worker = new YamlWorker();
    worker.postMessage('ignore');
    worker.postMessage(options.createData);
    return editorApi.editor.createWebWorker({ worker });
  };
  return { ...editorApi, editor: { ...editorApi.editor, createWebWorker } } as unknown as ConfigurableMonaco;
}

/** Registers schema completion and hover for Dockfile models; once per page (Monaco's registries are global). */
export function configureDockfileLanguage(): MonacoYaml {
  return configureMonacoYaml(withWorkerFactory(monaco), {
    enableSchemaRequest: false,
    completion: true,
    hover: true,
    hoverSchemaSource: false,
    validate: false,
    format: { enable: false },
    codeLens: false,
    yamlVersion: '1.2',
    // Without the root title: the language server would head every hover with "AgentDock Dockfile v1.0".
    schemas: [{ uri: dockfileSchema.$id, fileMatch: [`${DOCKFILE_MODEL_PREFIX}**`], schema: { ...dockfileSchema, title: undefined } as unknown as JSONSchema }],
  });
}
