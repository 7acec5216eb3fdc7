/**
 * Stage 2 (seed 004 §8.6): the loaded value against the JSON Schema, with Ajv's errors turned into
 * diagnostics a person can act on: the right error code for the block at fault (§8.8), the path,
 * the position, and a fix — "did you mean `entrypoint`?" rather than "must NOT have additional
 * properties". `io_schema` is explained by io-schema-check.ts instead of Ajv's oneOf noise.
 */
import type { ErrorObject } from 'ajv';
import validateSchema from './generated/dockfile-schema-validator.js';
import { formatPath } from './diagnostics';
import type { DockfileErrorCode, Finding } from './diagnostics';
import { dockfileSchema, AGENT_NAME_PATTERN, ENTRYPOINT_PATTERN, PERMISSION_PATTERN, RATE_LIMIT_PATTERN, ROLE_NAME_PATTERN, TOOL_NAME_PATTERN, CLASS_PATH_PATTERN } from './schema';
import { closestName } from './semantic/closest-name';

export interface SchemaCheckResult {
  /** The value with schema defaults filled in (a copy; the input is untouched). */
  value: unknown;
  problems: Finding[];
}

/** Validates a loaded Dockfile value against the schema; fills defaults into a copy. */
export function checkSchema(value: unknown, unresolvedPaths: ReadonlySet<string>): SchemaCheckResult {
  const copy = structuredCloneJson(value);
  validateSchema(copy);
  const problems: SchemaCheckResult['problems'] = [];
  const seen = new Set<string>();
  for (const error of validateSchema.errors ?? []) {
    const segments = pointerToSegments(error.instancePath);
    // io_schema has its own explainer; Ajv's oneOf branches would report every branch's complaints.
    if (segments[0] === 'io_schema') continue;
    if (unresolvedPaths.has(formatPath(segments))) continue;
    const explained = explain(error, segments, value);
    if (!explained) continue;
    const key = `${formatPath(explained.segments)}|${explained.draft.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    problems.push(explained);
  }
  return { value: copy, problems };
}

/** The §8.8 code for a problem at this path: the block's own code where one exists. */
export function codeForPath(segments: readonly (string | number)[]): DockfileErrorCode {
  const [top, second] = segments;
  if (top === 'io_schema') return 4004;
  if (top === 'auth') return 4005;
  if (top === 'policies') return 4006;
  if (top === 'agent' && second === 'framework') return 4007;
  if (top === 'observability' && second === 'langfuse') return 4008;
  return 4002;
}

const PATTERN_HELP: Record<string, { message: string; fix?: string }> = {
  [AGENT_NAME_PATTERN]: {
    message: 'must be 3–63 characters of lowercase letters, digits, "-" or "_", starting with a letter and ending with a letter or digit',
    fix: 'for example: invoice-copilot',
  },
  [ENTRYPOINT_PATTERN]: { message: 'must look like module.path:function (Python) or path/to/module:export (JavaScript/TypeScript)', fix: 'for example: app.graph:build_graph' },
  [CLASS_PATH_PATTERN]: { message: 'must be a Python class path like app.schemas.InvoiceInput' },
  [TOOL_NAME_PATTERN]: { message: 'tool names are 1–64 letters, digits, "_", "." or "-"' },
  [ROLE_NAME_PATTERN]: { message: 'role names are 3–32 lowercase letters, digits, "-" or "_", starting with a letter' },
  [PERMISSION_PATTERN]: { message: 'permission names are 2–32 lowercase letters, "_" or "-", e.g. view_metrics' },
  [RATE_LIMIT_PATTERN]: { message: 'must be a count per unit like 100/m (units: s, m, h, d)' },
};

function explain(error: ErrorObject, segments: (string | number)[], original: unknown): Finding | undefined {
  const where = formatPath(segments) || 'the Dockfile';
  const code = codeForPath(segments);
  const actual = valueAt(original, segments);
  switch (error.keyword) {
    case 'required': {
      const missing = String((error.params as { missingProperty: string }).missingProperty);
      const target = [...segments, missing];
      const inAuth = segments[0] === 'auth';
      return {
        segments: target,
        prefer: 'key',
        draft: {
          code: segments.length === 0 ? 4002 : inAuth ? 4005 : codeForPath(target) === 4007 ? 4002 : codeForPath(target),
          path: formatPath(target),
          message: `missing required field ${formatPath(target)}`,
          fix: requiredFix(target),
        },
      };
    }
    case 'additionalProperties': {
      const extra = String((error.params as { additionalProperty: string }).additionalProperty);
      const target = [...segments, extra];
      const allowed = Object.keys(schemaPropertiesAt(segments));
      const suggestion = closestName(extra, allowed);
      return {
        segments: target,
        prefer: 'key',
        draft: {
          code,
          path: formatPath(target),
          message: `unknown field ${formatPath(target)}${suggestion ? ` — did you mean ${suggestion}?` : ''}`,
          fix: suggestion ? `rename it to ${suggestion}` : allowed.length ? `allowed here: ${allowed.join(', ')}` : 'remove it',
        },
      };
    }
    case 'type': {
      const expected = String((error.params as { type: string | string[] }).type);
      const article = expected === 'object' ? 'a mapping' : expected === 'array' ? 'a list' : `${/^[aeiou]/.test(expected) ? 'an' : 'a'} ${expected}`;
      const fix = expected === 'string' && typeof actual !== 'object' ? `quote it: "${String(actual)}"` : undefined;
      return { segments, prefer: 'value', draft: { code, path: where, message: `${where} must be ${article}, got ${describe(actual)}`, ...(fix ? { fix } : {}) } };
    }
    case 'const': {
      if (segments.length === 1 && segments[0] === 'version') {
        const numeric = typeof actual === 'number';
        return {
          segments,
          prefer: 'value',
          draft: {
            code: 4002,
            path: 'version',
            message: numeric ? `version must be the string "1.0", got the number ${String(actual)}` : `this AgentDock reads Dockfile version "1.0", got ${describe(actual)}`,
            fix: numeric ? 'quote it: version: "1.0"' : 'set version: "1.0", or upgrade AgentDock to read newer Dockfiles',
          },
        };
      }
      const allowed = (error.params as { allowedValue: unknown }).allowedValue;
      return { segments, prefer: 'value', draft: { code, path: where, message: `${where} must be ${JSON.stringify(allowed)}, got ${describe(actual)}` } };
    }
    case 'enum': {
      const allowed = ((error.params as { allowedValues: unknown[] }).allowedValues ?? []).map(String);
      const suggestion = typeof actual === 'string' ? closestName(actual, allowed) : undefined;
      const isFramework = segments[0] === 'agent' && segments[1] === 'framework';
      return {
        segments,
        prefer: 'value',
        draft: {
          code,
          path: where,
          message: isFramework
            ? `framework ${describe(actual)} is not supported; AgentDock v1 runs ${allowed.join(' and ')} agents`
            : `${where} must be one of ${allowed.join(', ')}; got ${describe(actual)}`,
          ...(suggestion ? { fix: `did you mean ${suggestion}?` } : isFramework ? { fix: 'wrap other frameworks in a LangChain Runnable and use framework: langchain' } : {}),
        },
      };
    }
    case 'pattern': {
      const pattern = String((error.params as { pattern: string }).pattern);
      const help = PATTERN_HELP[pattern];
      const rateHint = pattern === RATE_LIMIT_PATTERN && typeof actual === 'string' ? rateLimitHint(actual) : undefined;
      return {
        segments,
        prefer: 'value',
        draft: { code, path: where, message: `${where} ${describe(actual)} ${help?.message ?? `must match ${pattern}`}`, ...(rateHint ? { fix: rateHint } : help?.fix ? { fix: help.fix } : {}) },
      };
    }
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum': {
      const limit = (error.params as { limit: number }).limit;
      const op = error.keyword === 'minimum' ? 'at least' : error.keyword === 'maximum' ? 'at most' : error.keyword === 'exclusiveMinimum' ? 'more than' : 'less than';
      return { segments, prefer: 'value', draft: { code, path: where, message: `${where} must be ${op} ${limit}, got ${describe(actual)}` } };
    }
    case 'minLength': {
      const limit = (error.params as { limit: number }).limit;
      const secret = segments[segments.length - 1] === 'secret_key';
      return {
        segments,
        prefer: 'value',
        draft: {
          code,
          path: where,
          // Never echo a secret back, even a short one: it ends up in CI logs.
          message: secret ? `${where} must be at least ${limit} characters` : `${where} must be at least ${limit} characters, got ${describe(actual)}`,
          ...(secret ? { fix: 'generate one with: openssl rand -hex 32' } : {}),
        },
      };
    }
    case 'oneOf':
    case 'if':
      return undefined;
    default:
      return { segments, prefer: 'value', draft: { code, path: where, message: `${where} ${error.message ?? 'is invalid'}` } };
  }
}

function requiredFix(target: (string | number)[]): string {
  const path = formatPath(target);
  const examples: Record<string, string> = {
    version: 'add version: "1.0" at the top',
    agent: 'add an agent block with name, entrypoint and framework',
    model: 'add a model block with provider and name',
    io_schema: 'add io_schema with input/output schemas or input_class/output_class',
    auth: 'add an auth block, e.g. auth: { mode: api_key, api_keys: { enabled: true } }',
    expose: 'add expose: { rest: true }',
    'agent.name': 'add name: my-agent under agent',
    'agent.entrypoint': 'add entrypoint: module.path:function under agent, e.g. app.graph:build_graph',
    'agent.framework': 'add framework: langgraph (or langchain) under agent',
    'model.provider': 'add provider: openai (or azure, anthropic, google, ollama, custom) under model',
    'model.name': 'add the model name, e.g. name: gpt-4o-mini',
    'auth.mode': 'add mode: jwt, api_key or oauth2 under auth',
  };
  return examples[path] ?? `add ${String(target[target.length - 1])}`;
}

function rateLimitHint(text: string): string | undefined {
  const match = /^\s*([1-9][0-9]*)\s*(?:requests?|req|calls?)?\s*(?:\/|per)\s*(second|sec|s|minute|min|m|hour|hr|h|day|d)\w*\s*$/i.exec(text);
  if (!match) return undefined;
  return `write ${match[1]}/${(match[2] ?? 'm')[0]?.toLowerCase()}`;
}

/** The `properties` of the schema node at an instance path (for "did you mean"). */
function schemaPropertiesAt(segments: readonly (string | number)[]): Record<string, unknown> {
  let node: unknown = dockfileSchema;
  for (const segment of segments) {
    const current = node as { properties?: Record<string, unknown>; items?: unknown };
    node = typeof segment === 'number' ? current.items : current.properties?.[segment];
    if (!node) return {};
  }
  return (node as { properties?: Record<string, unknown> }).properties ?? {};
}

function pointerToSegments(pointer: string): (string | number)[] {
  if (!pointer) return [];
  return pointer
    .slice(1)
    .split('/')
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((part) => (/^(0|[1-9][0-9]*)$/.test(part) ? Number(part) : part));
}

/** Reads a value at a path, tolerating any shape. */
export function valueAt(root: unknown, segments: readonly (string | number)[]): unknown {
  let node: unknown = root;
  for (const segment of segments) {
    if (node === null || typeof node !== 'object') return undefined;
    node = Object.prototype.hasOwnProperty.call(node, segment) ? (node as Record<string | number, unknown>)[segment] : undefined;
  }
  return node;
}

/** A short, safe description of a value for messages (long strings cut). */
export function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  return String(value);
}

/** A deep copy of a JSON-shaped value (the loader only produces such values). */
function structuredCloneJson(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(structuredCloneJson);
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) Object.defineProperty(out, key, { value: structuredCloneJson(item), enumerable: true, writable: true, configurable: true });
  return out;
}
