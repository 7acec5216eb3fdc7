/**
 * Code references in a Dockfile — `agent.entrypoint` (4003) and `io_schema.*_class` (4004) — are
 * checked against the agent project by reading source, never by importing or running it: the
 * Dockfile may come from a repository the user has not reviewed yet.
 */
import { parsePath } from '../diagnostics';
import type { DiagnosticDraft, DockfileErrorCode, Finding } from '../diagnostics';
import type { DockfileHost } from '../host';
import { isWithinPath, joinPath, normalizePath } from '../../util/posix-path';
import { findJsExport } from './js-symbols';
import { findPythonSymbol } from './python-symbols';
import { closestName } from './closest-name';

export type AgentLanguage = 'python' | 'javascript' | 'typescript';

export interface ResolvedReference {
  language: AgentLanguage;
  /** Absolute path of the module file. */
  file: string;
  symbol: string;
}

export interface ReferenceCheck {
  resolved?: ResolvedReference;
  problems: Finding[];
}

const MAX_SOURCE_BYTES = 2 * 1024 * 1024;
const JS_EXTENSIONS = ['.ts', '.mts', '.cts', '.tsx', '.js', '.mjs', '.cjs', '.jsx'];

/** Splits `module:symbol` at the last colon. */
export function splitReference(reference: string): { module: string; symbol: string } | undefined {
  const colon = reference.lastIndexOf(':');
  if (colon <= 0 || colon === reference.length - 1) return undefined;
  return { module: reference.slice(0, colon), symbol: reference.slice(colon + 1) };
}

/** Resolves and checks `agent.entrypoint` inside the project. */
export async function checkEntrypoint(entrypoint: string, projectDir: string, host: DockfileHost): Promise<ReferenceCheck> {
  const path = 'agent.entrypoint';
  const parts = splitReference(entrypoint);
  if (!parts) return { problems: [] }; // The schema pattern reports malformed references.
  const looksLikePath = parts.module.includes('/') || JS_EXTENSIONS.some((ext) => parts.module.endsWith(ext));
  const candidates = looksLikePath ? jsCandidates(parts.module) : [...pythonCandidates(parts.module), ...jsCandidates(parts.module.replace(/\./g, '/'))];
  return checkReference(4003, path, entrypoint, parts, candidates, projectDir, host);
}

/** Resolves and checks an `io_schema.input_class`/`output_class` Python class path. */
export async function checkClassPath(field: 'input_class' | 'output_class', classPath: string, projectDir: string, host: DockfileHost): Promise<ReferenceCheck> {
  const colon = classPath.lastIndexOf(':');
  const dot = classPath.lastIndexOf('.');
  const split = colon > 0 ? colon : dot;
  if (split <= 0) {
    return { problems: [finding({ code: 4004, path: `io_schema.${field}`, message: `io_schema.${field} "${classPath}" names no module`, fix: 'write module.path.ClassName, e.g. app.schemas.InvoiceInput' })] };
  }
  const parts = { module: classPath.slice(0, split), symbol: classPath.slice(split + 1) };
  return checkReference(4004, `io_schema.${field}`, classPath, parts, pythonCandidates(parts.module), projectDir, host);
}

async function checkReference(
  code: DockfileErrorCode,
  path: string,
  reference: string,
  parts: { module: string; symbol: string },
  candidates: string[],
  projectDir: string,
  host: DockfileHost,
): Promise<ReferenceCheck> {
  const inside = candidates.filter((candidate) => isWithinPath(projectDir, joinPath(projectDir, candidate)));
  if (inside.length < candidates.length && inside.length === 0) {
    return { problems: [finding({ code, path, message: `${reference} points outside the agent project`, fix: 'entrypoints and classes must live in the project directory' })] };
  }
  let found: string | undefined;
  for (const candidate of inside) {
    const stat = await host.stat(joinPath(projectDir, candidate)).catch(() => undefined);
    if (stat?.isFile) {
      found = candidate;
      break;
    }
  }
  if (!found) {
    const looked = inside.slice(0, 6).join(', ');
    return { problems: [finding({ code, path, message: `cannot find module ${parts.module} in the project (looked for ${looked})`, fix: `create it, or correct ${path}` })] };
  }
  const file = joinPath(projectDir, found);
  const language = languageOf(found);
  const stat = await host.stat(file);
  if (stat && stat.size > MAX_SOURCE_BYTES) {
    return { resolved: { language, file, symbol: parts.symbol }, problems: [finding({ code, severity: 'warning', rule: 'reference-unverified', path, message: `${found} is too large to check statically; ${parts.symbol} was not verified` })] };
  }
  let source: string;
  try {
    source = new TextDecoder('utf-8', { fatal: false }).decode(await host.readFile(file));
  } catch (error) {
    return { problems: [finding({ code, path, message: `cannot read ${found}: ${error instanceof Error ? error.message : String(error)}` })] };
  }
  const lookup = language === 'python' ? findPythonSymbol(source, parts.symbol) : findJsExport(source, parts.symbol);
  const resolved = { language, file, symbol: parts.symbol };
  if (lookup.status === 'found') return { resolved, problems: [] };
  if (lookup.status === 'unknown') {
    return { resolved, problems: [finding({ code, severity: 'warning', rule: 'reference-unverified', path, message: `cannot verify ${parts.symbol} in ${found} without running it: ${lookup.reason}` })] };
  }
  const suggestion = closestName(parts.symbol, lookup.available);
  const what = language === 'python' ? 'defines no top-level' : 'has no export named';
  return {
    problems: [
      finding({
        code,
        path,
        message: `${found} ${what} ${parts.symbol}${suggestion ? ` — did you mean ${suggestion}?` : ''}`,
        fix: suggestion ? `use ${parts.module}:${suggestion}` : lookup.available.length ? `available: ${lookup.available.slice(0, 8).join(', ')}` : `define ${parts.symbol} in ${found}`,
      }),
    ],
  };
}

/** Code references point at a value, so underline the value. */
function finding(draft: DiagnosticDraft): Finding {
  return { segments: parsePath(draft.path), draft };
}

function pythonCandidates(module: string): string[] {
  if (!/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/.test(module)) return [];
  const base = module.replace(/\./g, '/');
  return [`${base}.py`, `${base}/__init__.py`, `src/${base}.py`, `src/${base}/__init__.py`];
}

function jsCandidates(module: string): string[] {
  const base = normalizePath(module.replace(/^\.\//, ''));
  if (JS_EXTENSIONS.some((ext) => base.endsWith(ext))) {
    // TypeScript ESM projects import `./agent.js` while the file on disk is agent.ts.
    const stem = base.slice(0, base.lastIndexOf('.'));
    return [base, ...(base.endsWith('.js') ? [`${stem}.ts`, `${stem}.tsx`] : []), ...(base.endsWith('.mjs') ? [`${stem}.mts`] : [])];
  }
  return [...JS_EXTENSIONS.map((ext) => `${base}${ext}`), ...JS_EXTENSIONS.map((ext) => `${base}/index${ext}`)];
}

function languageOf(file: string): AgentLanguage {
  if (file.endsWith('.py')) return 'python';
  return /\.(ts|mts|cts|tsx)$/.test(file) ? 'typescript' : 'javascript';
}
