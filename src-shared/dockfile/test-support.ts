/**
 * Test helpers for the Dockfile engine: load a testdata project into an in-memory host and
 * validate variants of its Dockfile. Test-only (imported by *.test.ts files).
 */
import { createMemoryHost } from './host';
import type { DockfileHost } from './host';
import { validateDockfile } from './validate';
import type { ValidateOptions, ValidationResult } from './validate';

/** Environment values the full §8.10 example needs; obviously fake. */
export const FULL_EXAMPLE_ENV = {
  JWT_SECRET: 'test-only-jwt-secret-0123456789',
  LANGFUSE_PUBLIC: 'pk-lf-test-public',
  LANGFUSE_SECRET: 'sk-lf-test-secret',
};

export interface Project {
  dir: string;
  files: Record<string, string>;
  host: DockfileHost;
}

/** An in-memory project rooted at /project from relative path → contents. */
export function memoryProject(files: Record<string, string>, dir = '/project'): Project {
  const absolute = Object.fromEntries(Object.entries(files).map(([path, text]) => [`${dir}/${path}`, text]));
  return { dir, files: absolute, host: createMemoryHost(absolute) };
}

/** Validates `text` as `<project>/Dockfile.yaml` of the project. */
export function validateText(project: Project, text: string, options: Partial<ValidateOptions> = {}): Promise<ValidationResult> {
  return validateDockfile({ file: `${project.dir}/Dockfile.yaml`, projectDir: project.dir, host: project.host, text, ...options });
}

/** Codes of the errors (not warnings) of a result, sorted. */
export function errorCodes(result: ValidationResult): number[] {
  return result.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code);
}

/** Rule ids of the warnings of a result. */
export function warningRules(result: ValidationResult): string[] {
  return result.diagnostics.filter((d) => d.severity === 'warning').map((d) => d.rule ?? '');
}
