import path from 'node:path';
import { formatDiagnostic } from '../../../src-shared/dockfile/diagnostics';
import type { DockfileDiagnostic } from '../../../src-shared/dockfile/diagnostics';
import type { ValidationResult } from '../../../src-shared/dockfile/validate';
import { locateDockfile, validateDockfileFile } from '../../core/dockfile/validate-file';
import { parseCommandArguments, parseEnvAssignments } from '../arguments';
import { EXIT, paint } from '../terminal';
import type { Terminal } from '../terminal';

export const validateHelp = `Usage: agentdock validate [path] [options]

Checks a Dockfile the way a deploy would: YAML, !include, \${VAR} interpolation, the v1 schema,
the entrypoint and I/O classes in the project, auth, policies, telemetry, exposure, and lint rules.

Arguments:
  path                    a Dockfile, or a directory holding Dockfile.yaml (default: .)

Options:
  --strict                treat lint warnings as errors (for CI)
  --json                  print one JSON document (stable format, see docs/dockfile.md)
  --env KEY=VALUE         set a variable for \${KEY}; wins over the environment and .env (repeatable)
  --allow-unresolved      report unset \${VAR} as warnings instead of errors (previews)
  --no-project-checks     skip checking that the entrypoint and I/O classes exist
  -h, --help              show this help

Exit codes: 0 valid, 1 invalid, 2 usage error.`;

/** JSON output format version; bump on any incompatible change to the document. */
export const VALIDATE_JSON_FORMAT = 1;

/** `agentdock validate`. */
export async function runValidate(argv: string[], terminal: Terminal, cwd = process.cwd()): Promise<number> {
  const { values, positionals } = parseCommandArguments(
    'validate',
    argv,
    {
      strict: { type: 'boolean' },
      json: { type: 'boolean' },
      env: { type: 'string', multiple: true },
      'allow-unresolved': { type: 'boolean' },
      'no-project-checks': { type: 'boolean' },
    },
    1,
  );
  if (values.help) {
    terminal.out(validateHelp);
    return EXIT.ok;
  }
  const env = parseEnvAssignments('validate', values.env as string[] | undefined);
  const target = path.resolve(cwd, positionals[0] ?? '.');
  const location = await locateDockfile(target);
  const display = (file: string): string => path.relative(cwd, file) || path.basename(file);
  if (!location.ok) {
    if (values.json) terminal.out(JSON.stringify({ format: VALIDATE_JSON_FORMAT, valid: false, error: location.message }, null, 2));
    else terminal.err(`agentdock validate: ${location.message}`);
    return EXIT.usage;
  }
  const result = await validateDockfileFile(location, {
    env,
    ...(values['allow-unresolved'] ? { allowUnresolved: true } : {}),
    ...(values.strict ? { strict: true } : {}),
    ...(values['no-project-checks'] ? { checkProject: false } : {}),
  });
  const diagnostics = result.diagnostics.map((d) => ({ ...d, file: d.file ? display(d.file) : display(location.file) }));
  if (values.json) {
    terminal.out(JSON.stringify(jsonDocument(display(location.file), result, diagnostics, Boolean(values.strict)), null, 2));
  } else {
    printHuman(terminal, display(location.file), result, diagnostics);
  }
  return result.valid ? EXIT.ok : EXIT.failed;
}

function jsonDocument(file: string, result: ValidationResult, diagnostics: DockfileDiagnostic[], strict: boolean) {
  return {
    format: VALIDATE_JSON_FORMAT,
    file,
    valid: result.valid,
    strict,
    errorCount: result.errorCount,
    warningCount: result.warningCount,
    diagnostics: diagnostics.map((d) => ({
      severity: d.severity,
      code: d.code,
      name: d.name,
      ...(d.rule ? { rule: d.rule } : {}),
      path: d.path,
      file: d.file,
      line: d.line,
      column: d.column,
      endLine: d.endLine,
      endColumn: d.endColumn,
      message: d.message,
      ...(d.fix ? { fix: d.fix } : {}),
    })),
    ...(result.spec
      ? { agent: { name: result.spec.agent.name, framework: result.spec.agent.framework, entrypoint: result.spec.agent.entrypoint, ...(result.language ? { language: result.language } : {}) } }
      : {}),
  };
}

function printHuman(terminal: Terminal, file: string, result: ValidationResult, diagnostics: DockfileDiagnostic[]): void {
  for (const d of diagnostics) {
    const line = formatDiagnostic(d);
    terminal.out(d.severity === 'error' ? line.replace(' error ', ` ${paint(terminal, 'red', 'error')} `) : line.replace(' warning ', ` ${paint(terminal, 'yellow', 'warning')} `));
  }
  const counts = `${plural(result.errorCount, 'error')}, ${plural(result.warningCount, 'warning')}`;
  if (result.valid && result.spec) {
    const agent = result.spec.agent;
    const language = result.language ? `, ${result.language}` : '';
    const warnings = result.warningCount ? ` (${plural(result.warningCount, 'warning')})` : '';
    terminal.out(`${paint(terminal, 'green', '✓')} Validated successfully: ${file} — agent ${agent.name} (${agent.framework}${language})${warnings}`);
  } else {
    terminal.out(`${paint(terminal, 'red', '✗')} ${file} is invalid: ${counts}`);
  }
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
