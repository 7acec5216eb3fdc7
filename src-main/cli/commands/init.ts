import path from 'node:path';
import { FRAMEWORKS } from '../../../src-shared/dockfile/schema';
import { scaffoldProject } from '../../core/scaffold/scaffold-project';
import type { Framework, ScaffoldLanguage } from '../../core/scaffold/templates';
import { parseCommandArguments } from '../arguments';
import { EXIT, paint, UsageError } from '../terminal';
import type { Terminal } from '../terminal';

const LANGUAGES = ['python', 'typescript'] as const;

export const initHelp = `Usage: agentdock init [dir] [options]

Creates a working agent project with a Dockfile that validates: a LangGraph or LangChain agent in
Python or TypeScript that reaches its model through the AgentDock LLM proxy.

Arguments:
  dir                          where to create it (default: .; created if missing)

Options:
  --framework langgraph|langchain   agent framework (default: langgraph)
  --language python|typescript      agent language (default: python)
  --name NAME                       agent name (default: derived from the directory name)
  --force                           overwrite files that already exist
  -h, --help                        show this help

Exit codes: 0 created, 1 refused (files exist, bad name), 2 usage error.`;

/** `agentdock init`. */
export async function runInit(argv: string[], terminal: Terminal, cwd = process.cwd()): Promise<number> {
  const { values, positionals } = parseCommandArguments(
    'init',
    argv,
    { framework: { type: 'string' }, language: { type: 'string' }, name: { type: 'string' }, force: { type: 'boolean' } },
    1,
  );
  if (values.help) {
    terminal.out(initHelp);
    return EXIT.ok;
  }
  const framework = (values.framework ?? 'langgraph') as string;
  const language = (values.language ?? 'python') as string;
  if (!(FRAMEWORKS as readonly string[]).includes(framework)) throw new UsageError(`--framework must be one of ${FRAMEWORKS.join(', ')}, got ${JSON.stringify(framework)}`, 'init');
  if (!(LANGUAGES as readonly string[]).includes(language)) throw new UsageError(`--language must be one of ${LANGUAGES.join(', ')}, got ${JSON.stringify(language)}`, 'init');
  const directory = path.resolve(cwd, positionals[0] ?? '.');
  const result = await scaffoldProject({
    directory,
    framework: framework as Framework,
    language: language as ScaffoldLanguage,
    ...(typeof values.name === 'string' ? { name: values.name } : {}),
    ...(values.force ? { force: true } : {}),
  });
  if (!result.ok) {
    terminal.err(`agentdock init: ${result.message}${result.reason === 'exists' ? ' (use --force to overwrite)' : ''}`);
    return EXIT.failed;
  }
  const where = path.relative(cwd, directory) || '.';
  terminal.out(`${paint(terminal, 'green', '✓')} Created agent ${result.name} (${framework}, ${language}) in ${where}:`);
  for (const file of result.files) terminal.out(`  ${file}`);
  terminal.out('');
  terminal.out('Next:');
  if (where !== '.') terminal.out(`  cd ${where}`);
  terminal.out('  agentdock validate');
  return EXIT.ok;
}
