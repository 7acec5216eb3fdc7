// The golden cases of seed 004 §8.11, both examples of §8.10, and one case per error code.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DOCKFILE_ERROR_CODES } from './diagnostics';
import type { DockfileDiagnostic } from './diagnostics';
import type { ValidationResult } from './validate';
import { errorCodes, FULL_EXAMPLE_ENV, memoryProject, validateText } from './test-support';
import type { Project } from './test-support';

const testdata = join(import.meta.dirname, 'testdata');

function loadProject(name: string): Project & { dockfile: string } {
  const root = join(testdata, name);
  const files: Record<string, string> = {};
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir)) {
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) walk(path);
      else files[relative(root, path)] = readFileSync(path, 'utf8');
    }
  };
  walk(root);
  return { ...memoryProject(files), dockfile: files['Dockfile.yaml'] as string };
}

const full = loadProject('full');
const minimal = loadProject('minimal');

function replaceOnce(text: string, search: string, replacement: string): string {
  if (!text.includes(search)) throw new Error(`fixture does not contain ${search}`);
  return text.replace(search, replacement);
}

describe('golden cases (seed 004 §8.11)', () => {
  it('accepts the full example and freezes it with defaults applied', async () => {
    const result = await validateText(full, full.dockfile, { env: FULL_EXAMPLE_ENV });
    expect(errorCodes(result)).toEqual([]);
    expect(result.valid).toBe(true);
    expect(result.language).toBe('python');
    expect(result.entrypointFile).toBe('/project/app/graph.py');
    const spec = result.spec!;
    expect(spec.agent.name).toBe('invoice_copilot');
    expect(spec.auth.jwt?.secret_key).toBe(FULL_EXAMPLE_ENV.JWT_SECRET);
    expect(spec.observability.langfuse?.secret_key).toBe(FULL_EXAMPLE_ENV.LANGFUSE_SECRET);
    // Defaults from the schema, filled at freeze time.
    expect(spec.expose.host).toBe('0.0.0.0');
    expect(spec.observability.metrics).toEqual({ latency: true, tokens: true, cost: true });
    expect(spec.policies.safety.halt_on_violation).toBe(false);
    expect(Object.isFrozen(spec.policies.safety)).toBe(true);
  });

  it('accepts the minimal example', async () => {
    const result = await validateText(minimal, minimal.dockfile);
    expect(errorCodes(result)).toEqual([]);
    expect(result.spec?.expose.port).toBe(8080);
    expect(result.spec?.expose.streaming).toBe('sse');
    expect(result.spec?.policies.tools.deny_by_default).toBe(true);
  });

  it('missing agent.entrypoint → 4002 InvalidSchemaError at the agent block', async () => {
    const text = replaceOnce(full.dockfile, '  entrypoint: app.graph:build_graph\n', '');
    const result = await validateText(full, text, { env: FULL_EXAMPLE_ENV });
    expect(errorCodes(result)).toEqual([4002]);
    const [error] = result.diagnostics.filter((d) => d.severity === 'error');
    expect(error).toMatchObject({ name: 'InvalidSchemaError', path: 'agent.entrypoint', line: 2, column: 1, file: '/project/Dockfile.yaml' });
    expect(error?.message).toContain('missing required field agent.entrypoint');
    expect(error?.fix).toContain('app.graph:build_graph');
  });

  it('auth.mode=jwt without jwt.secret_key → 4005 AuthConfigError', async () => {
    const text = replaceOnce(full.dockfile, '    secret_key: "${JWT_SECRET}"\n', '');
    const result = await validateText(full, text, { env: FULL_EXAMPLE_ENV });
    expect(errorCodes(result)).toEqual([4005]);
    expect(firstError(result)).toMatchObject({ name: 'AuthConfigError', path: 'auth.jwt.secret_key', line: 27 });
  });

  it('expose.rest=false and expose.streaming=none → 4010 ExposureError', async () => {
    const text = replaceOnce(replaceOnce(full.dockfile, '  rest: true\n  streaming: sse', '  rest: false\n  streaming: none'), '', '');
    const result = await validateText(full, text, { env: FULL_EXAMPLE_ENV });
    expect(errorCodes(result)).toEqual([4010]);
    expect(result.diagnostics.find((d) => d.code === 4010)).toMatchObject({ name: 'ExposureError', path: 'expose', line: 43 });
  });

  it('an invalid redact pattern → 4006 PolicyValidationError pointing at the pattern', async () => {
    const text = replaceOnce(full.dockfile, 'redact_patterns: ["\\\\d{16}"]', 'redact_patterns: ["\\\\d{16}", "([a-z"]');
    const result = await validateText(full, text, { env: FULL_EXAMPLE_ENV });
    expect(errorCodes(result)).toEqual([4006]);
    const error = result.diagnostics.find((d) => d.code === 4006);
    expect(error).toMatchObject({ path: 'policies.safety.redact_patterns[1]', line: 22, column: 34 });
    expect(error?.message).toContain('invalid regex');
  });

  it('input_class without output_class → 4004 InvalidIOSchemaError', async () => {
    const text = replaceOnce(full.dockfile, '  output_class: app.schemas.InvoiceOutput\n', '');
    const result = await validateText(full, text, { env: FULL_EXAMPLE_ENV });
    expect(errorCodes(result)).toEqual([4004]);
    expect(firstError(result)).toMatchObject({ name: 'InvalidIOSchemaError', path: 'io_schema.output_class' });
    expect(firstError(result)?.message).toContain('they come in pairs');
  });
});

describe('one case per error code', () => {
  const cases: { code: keyof typeof DOCKFILE_ERROR_CODES; edit: (text: string) => string; path: string; env?: Record<string, string>; message: RegExp }[] = [
    { code: 4001, edit: (t) => t, env: {}, path: 'auth.jwt.secret_key', message: /\$\{JWT_SECRET\} is not set/ },
    { code: 4002, edit: (t) => replaceOnce(t, 'provider: azure', 'provider: azure\n  temprature: 0.3'), path: 'model.temprature', message: /unknown field model\.temprature — did you mean temperature\?/ },
    { code: 4003, edit: (t) => replaceOnce(t, 'app.graph:build_graph', 'app.graph:build_grap'), path: 'agent.entrypoint', message: /app\/graph\.py defines no top-level build_grap — did you mean build_graph\?/ },
    { code: 4004, edit: (t) => replaceOnce(t, 'app.schemas.InvoiceInput', 'app.schemas.InvoiceInputs'), path: 'io_schema.input_class', message: /app\/schemas\.py defines no top-level InvoiceInputs/ },
    { code: 4005, edit: (t) => replaceOnce(t, 'mode: jwt', 'mode: api_key').replace('api_keys: { enabled: true, rotation_days: 30 }', 'api_keys: { enabled: false }'), path: 'auth.api_keys.enabled', message: /api_keys\.enabled is not true/ },
    { code: 4006, edit: (t) => replaceOnce(t, 'summarize_invoice]', 'summarize invoice]'), path: 'policies.tools.allowed[1]', message: /tool names are/ },
    { code: 4007, edit: (t) => replaceOnce(t, 'framework: langgraph', 'framework: crewai'), path: 'agent.framework', message: /framework "crewai" is not supported/ },
    { code: 4008, edit: (t) => replaceOnce(t, '    public_key: "${LANGFUSE_PUBLIC}"\n', ''), path: 'observability.langfuse.public_key', message: /public_key is missing/ },
    { code: 4009, edit: (t) => replaceOnce(t, 'arguments:\n  timeout_sec: 20\n  enable_streaming: true', 'arguments: !include Dockfile.yaml'), path: 'arguments', message: /include cycle: Dockfile\.yaml → Dockfile\.yaml/ },
    { code: 4010, edit: (t) => replaceOnce(t, '  rest: true\n  streaming: sse', '  rest: false\n  streaming: none'), path: 'expose', message: /serve no endpoint/ },
  ];

  for (const testCase of cases) {
    it(`${testCase.code} ${DOCKFILE_ERROR_CODES[testCase.code]}`, async () => {
      const project = testCase.code === 4009 ? memoryProject({ ...relativeFiles(full), 'Dockfile.yaml': testCase.edit(full.dockfile) }) : full;
      const result = await validateText(project, testCase.edit(full.dockfile), { env: testCase.env ?? FULL_EXAMPLE_ENV });
      const errors = result.diagnostics.filter((d) => d.severity === 'error');
      expect(errors.map((d) => d.code)).toContain(testCase.code);
      const error = errors.find((d) => d.code === testCase.code)!;
      expect(error.path).toBe(testCase.path);
      expect(error.message).toMatch(testCase.message);
      expect(error.line).toBeGreaterThan(0);
      expect(result.valid).toBe(false);
      expect(result.spec).toBeUndefined();
    });
  }
});

function firstError(result: ValidationResult): DockfileDiagnostic | undefined {
  return result.diagnostics.find((d) => d.severity === 'error');
}

function relativeFiles(project: Project): Record<string, string> {
  return Object.fromEntries(Object.entries(project.files).map(([path, text]) => [path.slice(project.dir.length + 1), text]));
}

describe('io_schema explanations', () => {
  it('says once, with 4004, that io_schema must be a mapping', async () => {
    const text = minimal.dockfile.replace(/io_schema:\n(?: {2}.*\n)+/, 'io_schema: [input, output]\n');
    const result = await validateText(minimal, text);
    const errors = result.diagnostics.filter((d) => d.severity === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ code: 4004, path: 'io_schema', message: 'io_schema must be a mapping, got a list' });
  });

  it('flags a required field that is not declared, with a suggestion', async () => {
    const text = minimal.dockfile.replace('properties: { document: { type: string } }', 'required: [documnet]\n    properties: { document: { type: string } }');
    const result = await validateText(minimal, text);
    expect(firstError(result)).toMatchObject({ code: 4004, path: 'io_schema.input.required[0]' });
    expect(firstError(result)?.message).toContain('did you mean document?');
  });
});
