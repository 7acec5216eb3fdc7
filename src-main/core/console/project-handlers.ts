/**
 * Handlers for the Dockfile editor: open a project's Dockfile, validate a buffer with the same
 * engine `agentdock deploy` uses (project checks included when the buffer names its file), and
 * save it back atomically (write a temp file, rename) so a crash never leaves half a Dockfile.
 */
import { randomBytes } from 'node:crypto';
import { readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { validateDockfile } from '../../../src-shared/dockfile/validate';
import type { DockfileReport } from '../../../src-shared/ipc/console-types';
import { createNodeDockfileHost, toEnginePath } from '../dockfile/node-dockfile-host';
import { DOCKFILE_NAMES, locateDockfile } from '../dockfile/validate-file';
import { scaffoldProject } from '../scaffold/scaffold-project';
import { ConsoleHandlerError } from './console-session';
import type { ConsoleHandlers } from './handler-types';

type Handlers = ConsoleHandlers['requests'];

export function projectHandlers(): Pick<Handlers, 'dockfile:validate' | 'project:open' | 'project:init' | 'project:save'> {
  return {
    'dockfile:validate': async ({ text, file }) => {
      // Without a file the buffer is checked alone, as if it sat in an empty project.
      const dockfile = file ? toEnginePath(path.resolve(file)) : '/untitled/Dockfile.yaml';
      const result = await validateDockfile({
        file: dockfile,
        host: createNodeDockfileHost(),
        text,
        // The editor has no deploy-time environment: a ${VAR} it cannot see is a warning, not an error.
        allowUnresolved: true,
        checkProject: file !== undefined,
      });
      const report: DockfileReport = {
        valid: result.valid,
        diagnostics: result.diagnostics,
        errorCount: result.errorCount,
        warningCount: result.warningCount,
        agent: result.spec?.agent.name ?? null,
        language: result.language ?? null,
      };
      return report;
    },

    'project:open': async ({ path: target }) => {
      const location = await locateDockfile(target);
      if (!location.ok) throw new ConsoleHandlerError('E3008', location.message);
      return { projectDir: location.projectDir, file: location.file, text: await readFile(location.file, 'utf8') };
    },

    'project:init': async ({ directory, framework, language, name }) => {
      const created = await scaffoldProject({ directory: path.resolve(directory), framework, language, ...(name !== undefined && { name }) });
      if (!created.ok) {
        if (created.reason === 'exists') throw new ConsoleHandlerError('E3009', `${directory} already has ${created.message.replace(/ already exists?$/, '')}: open it instead, or pick an empty folder.`);
        throw new ConsoleHandlerError('E3001', `${created.message}; pass a name, or rename the folder.`);
      }
      const location = await locateDockfile(directory);
      if (!location.ok) throw new Error(`project:init wrote ${directory} but cannot find its Dockfile: ${location.message}`);
      return { projectDir: location.projectDir, file: location.file, text: await readFile(location.file, 'utf8') };
    },

    'project:save': async ({ file, text }) => {
      const absolute = path.resolve(file);
      if (!(DOCKFILE_NAMES as readonly string[]).includes(path.basename(absolute))) {
        // The editor writes Dockfiles only: this request must not become a way to write any file.
        throw new ConsoleHandlerError('E3001', `Only a Dockfile can be saved here (${DOCKFILE_NAMES.join(', ')}); got ${path.basename(absolute)}.`);
      }
      const dir = await stat(path.dirname(absolute)).catch(() => undefined);
      if (!dir?.isDirectory()) throw new ConsoleHandlerError('E3008', `The project folder ${path.dirname(absolute)} does not exist.`);
      const temp = path.join(path.dirname(absolute), `.${path.basename(absolute)}.${randomBytes(4).toString('hex')}.tmp`);
      try {
        await writeFile(temp, text, { encoding: 'utf8', flag: 'wx' });
        await rename(temp, absolute);
      } catch (error) {
        await rm(temp, { force: true });
        throw error;
      }
      return { projectDir: toEnginePath(path.dirname(absolute)), file: toEnginePath(absolute), text };
    },
  };
}
