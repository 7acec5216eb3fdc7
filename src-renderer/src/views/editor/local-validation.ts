/** The renderer's own Dockfile check (no project files: checkProject false), the same code the CLI runs. */
import { createMemoryHost, validateDockfile } from '../../../../src-shared/dockfile';
import type { DockfileDiagnostic } from '../../../../src-shared/dockfile';

/** Diagnostics for an editor buffer named `file`. */
export async function validateBuffer(text: string, file: string): Promise<DockfileDiagnostic[]> {
  const result = await validateDockfile({ file, host: createMemoryHost({ [file]: text }), text, checkProject: false, allowUnresolved: true });
  return result.diagnostics;
}
