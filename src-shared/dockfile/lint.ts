/**
 * Lint rules (seed 004 §8.9 and a few more a reviewer would raise): warnings that do not stop a
 * deploy; `--strict` makes them errors. Each rule has an id (shown in output, documented in
 * docs/dockfile.md) and the error code of the block it concerns.
 */
import { formatPath } from './diagnostics';
import type { DockfileErrorCode, Finding } from './diagnostics';
import { valueAt } from './schema-check';
import { DEFAULT_ROLES, RESERVED_PERMISSIONS } from './schema';
import { toResourceName } from './names';
import { analyzeBacktracking } from './semantic/backtracking-analysis';
import { compileRedactPattern } from './semantic/redact-pattern';

export interface LintContext {
  /** The value as written (after includes and interpolation). */
  value: unknown;
  /** Formatted paths whose values came from `${VAR}`. */
  interpolatedPaths: ReadonlySet<string>;
}

export interface LintRule {
  id: string;
  code: DockfileErrorCode;
  description: string;
  check(context: LintContext): LintHit[];
}

interface LintHit {
  segments: (string | number)[];
  prefer?: 'key' | 'value';
  message: string;
  fix?: string;
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

/** Every lint rule, in the order they run. */
export const LINT_RULES: readonly LintRule[] = [
  {
    id: 'redact-pattern-backtracking',
    code: 4006,
    description: 'A redact pattern is prone to catastrophic backtracking (ReDoS): one crafted input could stall the runtime.',
    check: ({ value }) =>
      stringsAt(value, ['policies', 'safety', 'redact_patterns']).flatMap(({ text, index }) => {
        const risk = analyzeBacktracking(text);
        if (risk.risk === 'none') return [];
        return [{ segments: ['policies', 'safety', 'redact_patterns', index], message: `${risk.risk} backtracking risk in ${JSON.stringify(risk.fragment)}: ${risk.explanation}`, ...(risk.suggestion ? { fix: `rewrite as ${risk.suggestion}` } : {}) }];
      }),
  },
  {
    id: 'redact-pattern-overlap',
    code: 4006,
    description: 'Two redact patterns are the same pattern; the second never redacts anything the first did not.',
    check: ({ value }) => {
      const seen = new Map<string, number>();
      return stringsAt(value, ['policies', 'safety', 'redact_patterns']).flatMap(({ text, index }) => {
        const compiled = compileRedactPattern(text);
        const key = compiled.ok ? `${compiled.pattern.source}/${[...compiled.pattern.flags].sort().join('')}` : text;
        const first = seen.get(key);
        if (first === undefined) {
          seen.set(key, index);
          return [];
        }
        return [{ segments: ['policies', 'safety', 'redact_patterns', index], message: `redact_patterns[${index}] repeats redact_patterns[${first}]`, fix: 'remove the duplicate' }];
      });
    },
  },
  {
    id: 'high-temperature-without-injection-guard',
    code: 4006,
    description: 'temperature above 1.2 with block_prompt_injection off: erratic output and no injection guard.',
    check: ({ value }) => {
      const temperature = valueAt(value, ['model', 'temperature']);
      if (typeof temperature !== 'number' || temperature <= 1.2) return [];
      if (valueAt(value, ['policies', 'safety', 'block_prompt_injection']) !== false) return [];
      return [{ segments: ['model', 'temperature'], message: `temperature ${temperature} is above 1.2 while policies.safety.block_prompt_injection is false`, fix: 'lower the temperature, or turn block_prompt_injection back on' }];
    },
  },
  {
    id: 'missing-roles',
    code: 4005,
    description: 'No roles with a token-based auth mode: the default admin/developer/viewer roles apply.',
    check: ({ value }) => {
      const mode = valueAt(value, ['auth', 'mode']);
      if (mode === undefined || mode === 'api_key' || valueAt(value, ['auth', 'roles']) !== undefined) return [];
      return [{ segments: ['auth'], prefer: 'key', message: `auth.mode is ${String(mode)} but auth.roles is not set, so the default roles (${Object.keys(DEFAULT_ROLES).join(', ')}) apply`, fix: 'declare auth.roles with the permissions each role needs' }];
    },
  },
  {
    id: 'unbounded-public-output',
    code: 4006,
    description: 'The agent listens beyond loopback and policies.safety.max_output_chars is unset.',
    check: ({ value }) => {
      const host = valueAt(value, ['expose', 'host']);
      if (typeof host === 'string' && LOOPBACK_HOSTS.has(host)) return [];
      if (valueAt(value, ['policies', 'safety', 'max_output_chars']) !== undefined) return [];
      const where = valueAt(value, ['policies', 'safety']) !== undefined ? ['policies', 'safety'] : valueAt(value, ['policies']) !== undefined ? ['policies'] : ['expose'];
      return [{ segments: where, prefer: 'key', message: 'the agent is reachable beyond loopback and policies.safety.max_output_chars is unset: one answer could be arbitrarily long', fix: 'set policies.safety.max_output_chars, e.g. 5000' }];
    },
  },
  {
    id: 'resource-name-mapped',
    code: 4002,
    description: 'agent.name contains "_", which Kubernetes and Docker names do not allow; it is deployed under a mapped name.',
    check: ({ value }) => {
      const name = valueAt(value, ['agent', 'name']);
      if (typeof name !== 'string' || !name.includes('_')) return [];
      return [{ segments: ['agent', 'name'], message: `${name} deploys as ${toResourceName(name)} on Kubernetes and Docker`, fix: `rename the agent ${toResourceName(name)} to use one name everywhere` }];
    },
  },
  {
    id: 'hardcoded-secret',
    code: 4005,
    description: 'A secret is written into the Dockfile instead of coming from ${VAR}: it will end up in version control.',
    check: ({ value, interpolatedPaths }) =>
      (
        [
          ['auth', 'jwt', 'secret_key'],
          ['observability', 'langfuse', 'secret_key'],
        ] as const
      ).flatMap((segments) => {
        const secret = valueAt(value, segments);
        if (typeof secret !== 'string' || !secret || interpolatedPaths.has(formatPath(segments))) return [];
        return [{ segments: [...segments], message: `${formatPath(segments)} is written in the Dockfile`, fix: `use "\${${segments[0] === 'auth' ? 'JWT_SECRET' : 'LANGFUSE_SECRET'}}" and keep the value in the AgentDock vault or the environment` }];
      }),
  },
  {
    id: 'unknown-permission',
    code: 4005,
    description: 'A role grants a permission no AgentDock endpoint checks.',
    check: ({ value }) => {
      const roles = valueAt(value, ['auth', 'roles']);
      if (!Array.isArray(roles)) return [];
      return roles.flatMap((role, roleIndex) =>
        stringsAt(role, ['permissions']).flatMap(({ text, index }) =>
          (RESERVED_PERMISSIONS as readonly string[]).includes(text)
            ? []
            : [{ segments: ['auth', 'roles', roleIndex, 'permissions', index], message: `permission ${text} is not checked by any AgentDock endpoint`, fix: `known permissions: ${RESERVED_PERMISSIONS.join(', ')}` }],
        ),
      );
    },
  },
  {
    id: 'rate-limit-unknown-role',
    code: 4005,
    description: 'auth.rate_limits names a role that is not defined, so the limit never applies.',
    check: ({ value }) => {
      const limits = valueAt(value, ['auth', 'rate_limits']);
      if (!limits || typeof limits !== 'object' || Array.isArray(limits)) return [];
      const roles = valueAt(value, ['auth', 'roles']);
      const known = Array.isArray(roles) ? roles.map((role) => valueAt(role, ['name'])).filter((name): name is string => typeof name === 'string') : Object.keys(DEFAULT_ROLES);
      return Object.keys(limits)
        .filter((role) => !known.includes(role))
        .map((role) => ({ segments: ['auth', 'rate_limits', role], prefer: 'key' as const, message: `auth.rate_limits.${role} names a role that is not defined`, fix: `defined roles: ${known.join(', ') || 'none'}` }));
    },
  },
  {
    id: 'empty-tool-allowlist',
    code: 4006,
    description: 'policies.tools denies by default and allows nothing: every tool call will be refused.',
    check: ({ value }) => {
      const tools = valueAt(value, ['policies', 'tools']);
      if (!tools || typeof tools !== 'object') return [];
      if (valueAt(tools, ['deny_by_default']) === false) return [];
      const allowed = valueAt(tools, ['allowed']);
      if (Array.isArray(allowed) && allowed.length > 0) return [];
      return [{ segments: ['policies', 'tools'], prefer: 'key', message: 'policies.tools denies by default and allows no tool: every tool call will be refused', fix: 'list the tools under policies.tools.allowed' }];
    },
  },
  {
    id: 'wildcard-cors',
    code: 4010,
    description: 'expose.cors.origins allows any origin: any web page can call the agent with a user’s credentials.',
    check: ({ value }) =>
      stringsAt(value, ['expose', 'cors', 'origins'])
        .filter(({ text }) => text === '*')
        .map(({ index }) => ({ segments: ['expose', 'cors', 'origins', index], message: 'expose.cors.origins allows every origin', fix: 'list the origins of the front ends that call the agent' })),
  },
  {
    id: 'privileged-port',
    code: 4010,
    description: 'expose.port is below 1024; the runtime runs as a non-root user and cannot bind it in a container.',
    check: ({ value }) => {
      const port = valueAt(value, ['expose', 'port']);
      if (typeof port !== 'number' || port >= 1024) return [];
      return [{ segments: ['expose', 'port'], message: `expose.port ${port} is a privileged port; AgentDock runs agents as a non-root user`, fix: 'use a port of 1024 or above, e.g. 8080' }];
    },
  },
];

/** Runs every lint rule; each hit is a warning finding with its rule id. */
export function lintDockfile(context: LintContext): Finding[] {
  return LINT_RULES.flatMap((rule) =>
    rule.check(context).map((hit) => ({
      segments: hit.segments,
      ...(hit.prefer ? { prefer: hit.prefer } : {}),
      draft: { code: rule.code, severity: 'warning' as const, rule: rule.id, path: formatPath(hit.segments), message: hit.message, ...(hit.fix ? { fix: hit.fix } : {}) },
    })),
  );
}

function stringsAt(root: unknown, segments: (string | number)[]): { text: string; index: number }[] {
  const list = valueAt(root, segments);
  if (!Array.isArray(list)) return [];
  return list.flatMap((text, index) => (typeof text === 'string' ? [{ text, index }] : []));
}
