/**
 * `${VAR}` interpolation in Dockfile string values (seed 004 §8.3).
 *
 * Syntax: `${NAME}`, `${NAME:-fallback}` (fallback when unset or empty), `${NAME-fallback}` (when
 * unset), and `$${` for a literal `${`. Resolution order: `--env` on the command line, then the
 * process environment, then the project's `.env` file.
 */

export type VariableSource = '--env' | 'environment' | '.env' | 'fallback';

export interface VariableSources {
  /** `--env K=V` from the command line: wins over everything. */
  cli?: Readonly<Record<string, string>>;
  /** The process environment. */
  environment?: Readonly<Record<string, string | undefined>>;
  /** Parsed `.env` of the project directory. */
  dotenv?: Readonly<Record<string, string>>;
}

export interface InterpolationProblem {
  kind: 'unresolved' | 'malformed';
  variable: string;
  message: string;
}

export interface InterpolationResult {
  value: string;
  /** True when the whole string was a single `${…}` reference (lets plain scalars keep their YAML type). */
  whole: boolean;
  problems: InterpolationProblem[];
  /** Variables that were used, with where each value came from (never the value itself). */
  used: { variable: string; source: VariableSource }[];
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Looks a variable up in precedence order. */
export function lookupVariable(name: string, sources: VariableSources): { value: string; source: VariableSource } | undefined {
  const cli = sources.cli?.[name];
  if (cli !== undefined) return { value: cli, source: '--env' };
  const env = sources.environment?.[name];
  if (env !== undefined) return { value: env, source: 'environment' };
  const dotenv = sources.dotenv?.[name];
  if (dotenv !== undefined) return { value: dotenv, source: '.env' };
  return undefined;
}

/** Expands every `${…}` in `text`. Unresolved references stay in the text verbatim and are reported. */
export function interpolate(text: string, sources: VariableSources): InterpolationResult {
  const problems: InterpolationProblem[] = [];
  const used: InterpolationResult['used'] = [];
  if (!text.includes('${')) return { value: text, whole: false, problems, used };
  let out = '';
  let i = 0;
  let references = 0;
  while (i < text.length) {
    const start = text.indexOf('$', i);
    if (start < 0) {
      out += text.slice(i);
      break;
    }
    out += text.slice(i, start);
    if (text.startsWith('$${', start)) {
      out += '${';
      i = start + 3;
      continue;
    }
    if (text[start + 1] !== '{') {
      out += '$';
      i = start + 1;
      continue;
    }
    const end = text.indexOf('}', start + 2);
    if (end < 0) {
      problems.push({ kind: 'malformed', variable: '', message: `unterminated "\${" at character ${start + 1}` });
      out += text.slice(start);
      break;
    }
    references++;
    const body = text.slice(start + 2, end);
    const match = /^([^:-]*)(?:(:?-)(.*))?$/s.exec(body);
    const name = match?.[1] ?? '';
    if (!NAME.test(name)) {
      problems.push({ kind: 'malformed', variable: name, message: `"\${${body}}" is not a variable reference; names are letters, digits and _` });
      out += text.slice(start, end + 1);
      i = end + 1;
      continue;
    }
    const operator = match?.[2];
    const fallback = match?.[3] ?? '';
    const found = lookupVariable(name, sources);
    if (found && !(operator === ':-' && found.value === '')) {
      out += found.value;
      used.push({ variable: name, source: found.source });
    } else if (operator) {
      out += fallback;
      used.push({ variable: name, source: 'fallback' });
    } else {
      problems.push({ kind: 'unresolved', variable: name, message: `\${${name}} is not set` });
      out += text.slice(start, end + 1);
    }
    i = end + 1;
  }
  const whole = references === 1 && /^\$\{[^}]*\}$/.test(text);
  return { value: out, whole, problems, used };
}

/** Parses `.env` text: `KEY=value`, `export KEY=value`, quotes, `#` comments. Invalid lines are skipped. */
export function parseDotenv(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.trim();
    if (!line || line.startsWith('#')) continue;
    const match = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (!match) continue;
    const key = match[1] as string;
    let value = match[2] ?? '';
    const quote = value[0];
    if ((quote === '"' || quote === "'") && value.length >= 2 && value.endsWith(quote)) {
      value = value.slice(1, -1);
      if (quote === '"') value = value.replace(/\\n/g, '\n').replace(/\\"/g, '"').replace(/\\\\/g, '\\');
    } else {
      value = value.replace(/\s+#.*$/, '');
    }
    Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  }
  return out;
}
