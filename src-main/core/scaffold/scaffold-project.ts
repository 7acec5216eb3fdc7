import { promises as fs } from 'node:fs';
import path from 'node:path';
import { AGENT_NAME_PATTERN } from '../../../src-shared/dockfile/schema';
import { scaffoldFiles } from './templates';
import type { Framework, ScaffoldLanguage } from './templates';

export interface ScaffoldOptions {
  directory: string;
  framework: Framework;
  language: ScaffoldLanguage;
  /** Agent name; derived from the directory name when absent. */
  name?: string;
  /** Overwrite files that already exist. */
  force?: boolean;
}

export type ScaffoldResult = { ok: true; name: string; files: string[] } | { ok: false; reason: 'exists' | 'invalid-name'; message: string; paths?: string[] };

/** Writes a starter agent project; refuses to overwrite anything unless `force` is set. */
export async function scaffoldProject(options: ScaffoldOptions): Promise<ScaffoldResult> {
  const name = options.name ?? agentNameFromDirectory(options.directory);
  if (!new RegExp(AGENT_NAME_PATTERN).test(name)) {
    return {
      ok: false,
      reason: 'invalid-name',
      message: `"${name}" is not a valid agent name: use 3–63 lowercase letters, digits, "-" or "_", starting with a letter and ending with a letter or digit`,
    };
  }
  const files = scaffoldFiles({ name, framework: options.framework, language: options.language });
  if (!options.force) {
    const existing: string[] = [];
    for (const file of files) {
      if (await exists(path.join(options.directory, file.path))) existing.push(file.path);
    }
    if (existing.length) return { ok: false, reason: 'exists', message: `${existing.join(', ')} already exist${existing.length === 1 ? 's' : ''}`, paths: existing };
  }
  for (const file of files) {
    const target = path.join(options.directory, file.path);
    await fs.mkdir(path.dirname(target), { recursive: true });
    await fs.writeFile(target, file.content);
  }
  return { ok: true, name, files: files.map((file) => file.path) };
}

/** A valid, DNS-safe agent name from a directory name: `My_Agent!` → `my-agent`. */
export function agentNameFromDirectory(directory: string): string {
  const base = path
    .basename(path.resolve(directory))
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^[^a-z]+/, '')
    .replace(/[^a-z0-9]+$/, '')
    .slice(0, 63)
    .replace(/[^a-z0-9]+$/, '');
  return base.length >= 3 ? base : 'my-agent';
}

async function exists(file: string): Promise<boolean> {
  return fs.stat(file).then(
    () => true,
    () => false,
  );
}
