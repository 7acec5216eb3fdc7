// One case per lint rule (seed 004 §8.9 and ours): each fires as a warning with its rule id on a
// Dockfile that otherwise validates cleanly, and --strict turns it into an error.
import { describe, expect, it } from 'vitest';
import { LINT_RULES } from './lint';
import { memoryProject, validateText, warningRules } from './test-support';

const project = memoryProject({ 'agent/graph.py': 'def build_graph():\n    return None\n' });

const base = `version: "1.0"
agent:
  name: lint-probe
  entrypoint: agent.graph:build_graph
  framework: langgraph
model:
  provider: openai
  name: gpt-4o-mini
  temperature: 0.2
io_schema:
  input: { type: object, properties: { q: { type: string } } }
  output: { type: object, properties: { a: { type: string } } }
policies:
  safety:
    redact_patterns: ['\\b\\d{3}-\\d{2}-\\d{4}\\b']
    max_output_chars: 5000
auth:
  mode: api_key
  api_keys: { enabled: true }
expose:
  rest: true
`;

const cases: Record<string, { edit: (text: string) => string; path: string; message: RegExp }> = {
  'redact-pattern-backtracking': { edit: (t) => t.replace("redact_patterns: ['", () => "redact_patterns: ['(a+)+$', '"), path: 'policies.safety.redact_patterns[0]', message: /exponential backtracking risk/ },
  'redact-pattern-overlap': { edit: (t) => t.replace("redact_patterns: ['", "redact_patterns: ['(?i)secret', '(?i)secret', '"), path: 'policies.safety.redact_patterns[1]', message: /repeats redact_patterns\[0\]/ },
  'high-temperature-without-injection-guard': {
    edit: (t) => t.replace('temperature: 0.2', 'temperature: 1.5').replace('max_output_chars: 5000', 'max_output_chars: 5000\n    block_prompt_injection: false'),
    path: 'model.temperature',
    message: /temperature 1\.5 is above 1\.2/,
  },
  'missing-roles': { edit: (t) => t.replace('mode: api_key', 'mode: jwt\n  jwt: { secret_key: "${JWT_SECRET}" }'), path: 'auth', message: /default roles \(admin, developer, viewer\) apply/ },
  'unbounded-public-output': { edit: (t) => t.replace('    max_output_chars: 5000\n', ''), path: 'policies.safety', message: /max_output_chars is unset/ },
  'resource-name-mapped': { edit: (t) => t.replace('name: lint-probe', 'name: lint_probe'), path: 'agent.name', message: /lint_probe deploys as lint-probe/ },
  'hardcoded-secret': {
    edit: (t) => t.replace('mode: api_key', 'mode: jwt\n  jwt: { secret_key: "a-literal-secret-value-123" }\n  roles: [{ name: admin, permissions: [invoke] }]'),
    path: 'auth.jwt.secret_key',
    message: /is written in the Dockfile/,
  },
  'unknown-permission': { edit: (t) => t.replace('  api_keys: { enabled: true }', '  api_keys: { enabled: true }\n  roles: [{ name: ops, permissions: [invoke, reboot] }]'), path: 'auth.roles[0].permissions[1]', message: /permission reboot is not checked/ },
  'rate-limit-unknown-role': { edit: (t) => t.replace('  api_keys: { enabled: true }', "  api_keys: { enabled: true }\n  rate_limits: { developer: '100/m', intern: '5/m' }"), path: 'auth.rate_limits.intern', message: /names a role that is not defined/ },
  'empty-tool-allowlist': { edit: (t) => t.replace('policies:\n', 'policies:\n  tools: { deny_by_default: true }\n'), path: 'policies.tools', message: /every tool call will be refused/ },
  'wildcard-cors': { edit: (t) => t.replace('  rest: true', "  rest: true\n  cors: { origins: ['*'] }"), path: 'expose.cors.origins[0]', message: /allows every origin/ },
  'privileged-port': { edit: (t) => t.replace('  rest: true', '  rest: true\n  port: 80'), path: 'expose.port', message: /80 is a privileged port/ },
};

describe('lint rules', () => {
  it('the base Dockfile is clean, so each case below shows one rule', async () => {
    const result = await validateText(project, base, { env: { JWT_SECRET: 'x'.repeat(32) } });
    expect(result.diagnostics).toEqual([]);
  });

  it('every rule has a case here', () => {
    expect(Object.keys(cases).sort()).toEqual(LINT_RULES.map((rule) => rule.id).sort());
  });

  for (const rule of LINT_RULES) {
    it(`${rule.id} warns, and is an error under --strict`, async () => {
      const testCase = cases[rule.id]!;
      const text = testCase.edit(base);
      expect(text).not.toBe(base);
      const result = await validateText(project, text, { env: { JWT_SECRET: 'x'.repeat(32) } });
      expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      expect(warningRules(result)).toEqual([rule.id]);
      const warning = result.diagnostics[0]!;
      expect(warning).toMatchObject({ severity: 'warning', code: rule.code, rule: rule.id, path: testCase.path });
      expect(warning.message).toMatch(testCase.message);
      const strict = await validateText(project, text, { env: { JWT_SECRET: 'x'.repeat(32) }, strict: true });
      expect(strict.valid).toBe(false);
      expect(strict.diagnostics[0]).toMatchObject({ severity: 'error', rule: rule.id });
      expect(strict.spec).toBeUndefined();
    });
  }
});
