/**
 * Reading one JSON file of the config bundle and turning every failure into a RuntimeConfigError
 * that names the file, what is wrong and what to do.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { RuntimeConfigError } from './config-error';
import { ShapeError } from './shape-check';

/** The files of a config bundle (README.md, "Config bundle"). */
export type BundleFileName = 'spec.json' | 'runtime.json' | 'keys.json' | 'secrets.json' | 'budget.json';

/** The raw text (for change detection) and parsed JSON of a bundle file. */
export interface BundleFileContent {
  file: string;
  text: string;
  value: unknown;
}

/** Reads and parses a bundle file; resolves undefined when an optional file is absent. */
export async function readBundleFile(directory: string, name: BundleFileName, options: { optional: boolean; fix: string }): Promise<BundleFileContent | undefined> {
  const file = path.join(directory, name);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && options.optional) return undefined;
    throw new RuntimeConfigError(`cannot read ${file}: ${code ?? (error as Error).message}; ${options.fix}`);
  }
  try {
    return { file, text, value: JSON.parse(text) as unknown };
  } catch (error) {
    // V8's JSON.parse messages may quote the offending text, which in secrets.json may be a
    // secret: keep only the line and column, when V8 gives them.
    const where = /line (\d+) column (\d+)/.exec((error as Error).message);
    throw new RuntimeConfigError(`${file} is not valid JSON${where ? ` (line ${where[1]}, column ${where[2]})` : ''}; ${options.fix}`);
  }
}

/** Runs a shape check over a parsed file, rewording a ShapeError as a RuntimeConfigError. */
export function checkBundleFile<T>(content: BundleFileContent, check: (value: unknown) => T, fix: string): T {
  try {
    return check(content.value);
  } catch (error) {
    if (error instanceof ShapeError || error instanceof RuntimeConfigError) throw new RuntimeConfigError(`${content.file}: ${error.message}; ${fix}`);
    throw error;
  }
}
