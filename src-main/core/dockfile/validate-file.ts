import { promises as fs } from 'node:fs';
import path from 'node:path';
import { validateDockfile } from '../../../src-shared/dockfile/validate';
import type { ValidateOptions, ValidationResult } from '../../../src-shared/dockfile/validate';
import { createNodeDockfileHost, toEnginePath } from './node-dockfile-host';

/** File names `agentdock` looks for when given a directory, in order. */
export const DOCKFILE_NAMES = ['Dockfile.yaml', 'Dockfile.yml', 'Dockfile'] as const;

export type DockfileLocation = { ok: true; file: string; projectDir: string } | { ok: false; message: string };

/** Finds the Dockfile a user means: a file path, or a directory holding one of DOCKFILE_NAMES. */
export async function locateDockfile(target: string): Promise<DockfileLocation> {
  const absolute = path.resolve(target);
  const stat = await fs.stat(absolute).catch(() => undefined);
  if (!stat) return { ok: false, message: `${target} does not exist` };
  if (stat.isFile()) return { ok: true, file: toEnginePath(absolute), projectDir: toEnginePath(path.dirname(absolute)) };
  if (!stat.isDirectory()) return { ok: false, message: `${target} is neither a file nor a directory` };
  for (const name of DOCKFILE_NAMES) {
    const candidate = path.join(absolute, name);
    if ((await fs.stat(candidate).catch(() => undefined))?.isFile()) return { ok: true, file: toEnginePath(candidate), projectDir: toEnginePath(absolute) };
  }
  return { ok: false, message: `no Dockfile in ${target} (looked for ${DOCKFILE_NAMES.join(', ')}); create one with \`agentdock init\`` };
}

/** Validates a Dockfile on disk with the process environment, as the CLI and control plane do. */
export async function validateDockfileFile(
  location: { file: string; projectDir: string },
  options: Pick<ValidateOptions, 'env' | 'allowUnresolved' | 'strict' | 'checkProject'> & { environment?: NodeJS.ProcessEnv } = {},
): Promise<ValidationResult> {
  return validateDockfile({
    file: location.file,
    projectDir: location.projectDir,
    host: createNodeDockfileHost(),
    environment: options.environment ?? process.env,
    ...(options.env ? { env: options.env } : {}),
    ...(options.allowUnresolved ? { allowUnresolved: true } : {}),
    ...(options.strict ? { strict: true } : {}),
    ...(options.checkProject === false ? { checkProject: false } : {}),
  });
}
