/**
 * The Dockfile validation pipeline (seed 004 §8.6): parse (YAML, `!include`, `${VAR}`) → schema →
 * semantics (code references, auth, policies, telemetry, exposure) → adapter (framework) → lint →
 * freeze. The CLI, the editor and the control plane all call `validateDockfile`, so a Dockfile
 * that passes in one passes in all.
 */
import { compareDiagnostics, placeDiagnostic } from './diagnostics';
import type { DockfileDiagnostic, Finding } from './diagnostics';
import { parseDotenv } from './env-interpolation';
import type { VariableSources } from './env-interpolation';
import type { DockfileHost } from './host';
import { checkIoSchema } from './io-schema-check';
import { lintDockfile } from './lint';
import { checkSchema, valueAt } from './schema-check';
import { checkBlocks } from './semantic/block-checks';
import { checkClassPath, checkEntrypoint } from './semantic/code-references';
import type { AgentLanguage } from './semantic/code-references';
import type { SourceMap } from './source-map';
import type { DockSpec } from './types';
import { loadDockfile } from './yaml-loader';
import type { LoadLimits } from './yaml-loader';
import { dirnamePath, joinPath } from '../util/posix-path';

export interface ValidateOptions {
  /** Absolute path of the Dockfile. */
  file: string;
  /** The agent project; defaults to the Dockfile's directory. Includes and code must live in it. */
  projectDir?: string;
  host: DockfileHost;
  /** Editor buffer contents, when they differ from the file on disk. */
  text?: string;
  /** `--env K=V` values: they win over the environment and `.env`. */
  env?: Readonly<Record<string, string>>;
  /** The process environment (the CLI passes process.env; the editor passes nothing). */
  environment?: Readonly<Record<string, string | undefined>>;
  /** Unresolved `${VAR}` are warnings instead of errors. */
  allowUnresolved?: boolean;
  /** Lint warnings become errors (`agentdock validate --strict`). */
  strict?: boolean;
  /** Check that entrypoint and I/O classes exist in the project (default true). */
  checkProject?: boolean;
  limits?: Partial<LoadLimits>;
}

export interface ValidationResult {
  valid: boolean;
  /** The frozen spec (defaults applied) when valid. Holds interpolated secrets: never log it. */
  spec?: DockSpec;
  diagnostics: DockfileDiagnostic[];
  errorCount: number;
  warningCount: number;
  /** Files read: the Dockfile, its includes, and the entrypoint module. */
  files: string[];
  /** The agent's language, when the entrypoint was resolved. */
  language?: AgentLanguage;
  /** The entrypoint module file, when resolved. */
  entrypointFile?: string;
}

/** Validates a Dockfile end to end. Never throws for bad input: every problem is a diagnostic. */
export async function validateDockfile(options: ValidateOptions): Promise<ValidationResult> {
  const projectDir = options.projectDir ?? dirnamePath(options.file);
  const variables: VariableSources = {
    ...(options.env ? { cli: options.env } : {}),
    ...(options.environment ? { environment: options.environment } : {}),
    dotenv: await readDotenv(options.host, projectDir),
  };
  const loaded = await loadDockfile({
    file: options.file,
    projectDir,
    host: options.host,
    variables,
    ...(options.text !== undefined ? { text: options.text } : {}),
    ...(options.allowUnresolved ? { allowUnresolved: true } : {}),
    ...(options.limits ? { limits: options.limits } : {}),
  });
  const diagnostics = [...loaded.diagnostics];
  const files = [...loaded.files];
  let spec: DockSpec | undefined;
  let language: AgentLanguage | undefined;
  let entrypointFile: string | undefined;

  if (loaded.value !== undefined) {
    if (loaded.value === null || typeof loaded.value !== 'object' || Array.isArray(loaded.value)) {
      diagnostics.push(
        placeDiagnostic(loaded.sourceMap.locate([]), { code: 4002, path: '', message: `a Dockfile is a mapping of sections (version, agent, model, …), got ${Array.isArray(loaded.value) ? 'a list' : 'a single value'}`, fix: 'start from `agentdock init`' }),
      );
    } else {
      const schema = checkSchema(loaded.value, loaded.unresolvedPaths);
      const findings: Finding[] = [...schema.problems, ...checkIoSchema(valueAt(loaded.value, ['io_schema'])), ...checkBlocks(loaded.value)];
      if (options.checkProject !== false) {
        const references = await checkReferences(loaded.value, projectDir, options.host);
        findings.push(...references.findings);
        language = references.language;
        entrypointFile = references.entrypointFile;
        if (entrypointFile) files.push(entrypointFile);
      }
      findings.push(...lintDockfile({ value: loaded.value, interpolatedPaths: loaded.interpolatedPaths }));
      diagnostics.push(...place(findings, loaded.sourceMap));
      if (!diagnostics.some((d) => d.severity === 'error')) spec = deepFreeze(schema.value) as DockSpec;
    }
  }
  if (options.strict) for (const d of diagnostics) d.severity = 'error';
  diagnostics.sort(compareDiagnostics);
  const errorCount = diagnostics.filter((d) => d.severity === 'error').length;
  return {
    valid: errorCount === 0,
    ...(errorCount === 0 && spec ? { spec } : {}),
    diagnostics,
    errorCount,
    warningCount: diagnostics.length - errorCount,
    files,
    ...(language ? { language } : {}),
    ...(entrypointFile ? { entrypointFile } : {}),
  };
}

async function checkReferences(value: unknown, projectDir: string, host: DockfileHost): Promise<{ findings: Finding[]; language?: AgentLanguage; entrypointFile?: string }> {
  const findings: Finding[] = [];
  let language: AgentLanguage | undefined;
  let entrypointFile: string | undefined;
  const entrypoint = valueAt(value, ['agent', 'entrypoint']);
  if (typeof entrypoint === 'string') {
    const result = await checkEntrypoint(entrypoint, projectDir, host);
    findings.push(...result.problems);
    language = result.resolved?.language;
    entrypointFile = result.resolved?.file;
  }
  for (const field of ['input_class', 'output_class'] as const) {
    const classPath = valueAt(value, ['io_schema', field]);
    if (typeof classPath === 'string' && valueAt(value, ['io_schema', 'input']) === undefined) {
      findings.push(...(await checkClassPath(field, classPath, projectDir, host)).problems);
    }
  }
  return { findings, ...(language ? { language } : {}), ...(entrypointFile ? { entrypointFile } : {}) };
}

function place(findings: Finding[], sourceMap: SourceMap): DockfileDiagnostic[] {
  return findings.map((finding) => placeDiagnostic(sourceMap.locate(finding.segments, finding.prefer ?? 'value'), finding.draft));
}

/** A version is immutable: the frozen spec cannot be changed by whoever holds it. */
function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const item of Object.values(value)) deepFreeze(item);
  }
  return value;
}

const MAX_DOTENV_BYTES = 256 * 1024;

async function readDotenv(host: DockfileHost, projectDir: string): Promise<Record<string, string>> {
  const path = joinPath(projectDir, '.env');
  try {
    const stat = await host.stat(path);
    if (!stat?.isFile || stat.size > MAX_DOTENV_BYTES) return {};
    return parseDotenv(new TextDecoder('utf-8').decode(await host.readFile(path)));
  } catch {
    // An unreadable .env is the same as none: its variables then show up as unresolved.
    return {};
  }
}
