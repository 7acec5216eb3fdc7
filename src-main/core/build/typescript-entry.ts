/**
 * TypeScript agents are compiled into their bundle, so the runtime never has to run TypeScript.
 *
 * The runtime loads `.ts` only through Node's type stripping, which handles erasable syntax alone
 * (no enums, namespaces, parameter properties, `paths` aliases or JSX). The build therefore
 * compiles the entry module and the local modules it imports with esbuild into one ESM file
 * written next to the entry (`src/agent.ts` → `src/agent.agentdock.mjs`), so paths the agent
 * computes from `import.meta.url` keep working and npm packages still resolve from the project's
 * node_modules (`packages: 'external'`: dependencies are not inlined, and `@agentdock/sdk` stays
 * an import for the runtime to resolve). The spec's `agent.entrypoint` is rewritten to the
 * compiled module; the sources stay in the bundle for stack traces (with a linked source map) and
 * review.
 */
import path from 'node:path';
import { build, version as esbuildVersion } from 'esbuild';
import { splitReference } from '../../../src-shared/dockfile/semantic/code-references';
import { jsModuleCandidates } from '../../runtime/adapters/entrypoint';
import { CoreError } from '../contracts';

export type AgentLanguage = 'python' | 'javascript' | 'typescript';

export interface EntrypointPlan {
  /** `agent.entrypoint` as the Dockfile wrote it. */
  sourceEntrypoint: string;
  /** What the runtime gets: the same, or the compiled module for a TypeScript entry. */
  entrypoint: string;
  /** Present when the entry is TypeScript: project-relative source and output paths. */
  compile?: { from: string; to: string; esbuild: string };
}

const TYPESCRIPT = /\.(ts|mts|cts|tsx)$/;
const COMPILED_SUFFIX = '.agentdock.mjs';

/** Decides, from the project's file list, whether the entry needs compiling and what it becomes. */
export function planEntrypoint(entrypoint: string, language: AgentLanguage, files: ReadonlySet<string>): EntrypointPlan {
  if (language === 'python') return { sourceEntrypoint: entrypoint, entrypoint };
  const parts = splitReference(entrypoint);
  if (!parts) throw new CoreError('E2002', `agent.entrypoint "${entrypoint}" is not module:symbol`);
  const candidates = jsModuleCandidates(parts.module).map((candidate) => path.posix.normalize(candidate));
  const found = candidates.find((candidate) => files.has(candidate));
  if (!found) {
    throw new CoreError('E2002', `cannot find the entry module ${parts.module} in the agent project (looked for ${candidates.slice(0, 6).join(', ')}); correct agent.entrypoint`);
  }
  if (!TYPESCRIPT.test(found)) return { sourceEntrypoint: entrypoint, entrypoint };
  const to = `${found.replace(TYPESCRIPT, '')}${COMPILED_SUFFIX}`;
  if (files.has(to)) throw new CoreError('E2002', `the project already has ${to}, where the build writes the compiled entry; rename that file`);
  return { sourceEntrypoint: entrypoint, entrypoint: `${to}:${parts.symbol}`, compile: { from: found, to, esbuild: esbuildVersion } };
}

/** Compiles `plan.compile` inside `agentDir` (the bundle's copy of the project); returns the files written. */
export async function compileEntrypoint(agentDir: string, plan: EntrypointPlan): Promise<string[]> {
  if (!plan.compile) return [];
  const { from, to } = plan.compile;
  try {
    await build({
      // Relative paths and a working directory inside the bundle: the output (comments, source
      // map) names no machine-specific path, so the same project compiles to the same bytes anywhere.
      absWorkingDir: agentDir,
      entryPoints: [from],
      outfile: to,
      bundle: true,
      packages: 'external',
      platform: 'node',
      format: 'esm',
      target: 'node22',
      sourcemap: 'linked',
      legalComments: 'none',
      logLevel: 'silent',
    });
  } catch (error) {
    const failures = (error as { errors?: { text: string; location?: { file: string; line: number; column: number } | null }[] }).errors ?? [];
    const detail = failures.length
      ? failures
          .slice(0, 5)
          .map((failure) => (failure.location ? `${failure.location.file}:${failure.location.line}:${failure.location.column + 1}: ${failure.text}` : failure.text))
          .join('; ')
      : error instanceof Error
        ? error.message
        : String(error);
    throw new CoreError('E2002', `compiling the TypeScript entry ${from} failed: ${detail}`, { file: from });
  }
  return [to, `${to}.map`];
}
