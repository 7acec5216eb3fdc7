// The JSON Schema is the single source of truth: this proves the generated validator and JSON
// file, the derived TypeScript types and the golden examples all agree with it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { parse } from 'yaml';
import { buildDockfileArtifacts } from '../../scripts/dockfile-artifacts';
import validateSchema from './generated/dockfile-schema-validator.js';
import type { FRAMEWORKS } from './schema';
import { dockfileSchema } from './schema';
import { FULL_EXAMPLE_ENV } from './test-support';
import type { DockfileDocument, DockSpec } from './types';

const root = join(import.meta.dirname, '..', '..');

describe('generated artifacts', () => {
  it('are up to date with schema.ts (run `npm run generate` if this fails)', () => {
    for (const artifact of buildDockfileArtifacts()) {
      expect(readFileSync(join(root, artifact.path), 'utf8'), artifact.path).toBe(artifact.content);
    }
  });

  it('the published JSON schema is schema.ts', () => {
    expect(JSON.parse(readFileSync(join(root, 'resources/schema/dockfile-1.0.json'), 'utf8'))).toEqual(dockfileSchema);
  });

  it('the generated validator runs without eval (the renderer CSP forbids it)', () => {
    const code = readFileSync(join(root, 'src-shared/dockfile/generated/dockfile-schema-validator.js'), 'utf8');
    expect(code).not.toMatch(/\bnew Function\b|\beval\(|\brequire\(/);
  });
});

describe('golden examples against the raw schema', () => {
  // The schema applies after interpolation (seed 004 §8.2), so substitute the test variables first.
  const interpolated = (text: string): string => text.replace(/\$\{(\w+)\}/g, (_, name: string) => FULL_EXAMPLE_ENV[name as keyof typeof FULL_EXAMPLE_ENV]);
  const examples = ['full', 'minimal'].map((name) => ({ name, value: parse(interpolated(readFileSync(join(import.meta.dirname, 'testdata', name, 'Dockfile.yaml'), 'utf8'))) as unknown }));

  for (const example of examples) {
    it(`${example.name} example validates`, () => {
      const copy = structuredClone(example.value);
      expect(validateSchema(copy), JSON.stringify(validateSchema.errors)).toBe(true);
    });
  }

  it('the minimal example fills every default the frozen type promises', () => {
    const copy = structuredClone(examples[1]!.value) as DockSpec;
    validateSchema(copy);
    const frozen: DockSpec = copy;
    expect(frozen.policies.tools.deny_by_default).toBe(true);
    expect(frozen.policies.safety.block_prompt_injection).toBe(true);
    expect(frozen.observability.log_level).toBe('info');
    expect(frozen.metadata).toEqual({});
    expect(frozen.arguments).toEqual({});
  });
});

describe('types derived from the schema', () => {
  it('DockfileDocument accepts the §8.10 full example as written', () => {
    // A typed literal of the full example: if the schema and the types drift, this stops compiling.
    const full = {
      version: '1.0',
      agent: { name: 'invoice_copilot', description: 'Extract & summarize invoices', entrypoint: 'app.graph:build_graph', framework: 'langgraph' },
      model: { provider: 'azure', name: 'gpt-4o', temperature: 0.2, max_tokens: 2000, endpoint: 'https://api.openai.azure.com' },
      io_schema: { input_class: 'app.schemas.InvoiceInput', output_class: 'app.schemas.InvoiceOutput' },
      arguments: { timeout_sec: 20, enable_streaming: true },
      policies: {
        tools: { allowed: ['extract_invoice', 'summarize_invoice'], deny_by_default: true },
        safety: { redact_patterns: ['\\d{16}'], max_output_chars: 5000, block_prompt_injection: true },
      },
      auth: {
        mode: 'jwt',
        jwt: { secret_key: '${JWT_SECRET}', expiry_minutes: 60 },
        api_keys: { enabled: true, rotation_days: 30 },
        roles: [
          { name: 'admin', permissions: ['deploy', 'rollback', 'invoke', 'view_metrics', 'key_manage'] },
          { name: 'developer', permissions: ['invoke', 'view_metrics', 'read_logs'] },
        ],
      },
      observability: { langfuse: { project: 'invoice-copilot', public_key: '${LANGFUSE_PUBLIC}', secret_key: '${LANGFUSE_SECRET}' }, tracing: true, log_level: 'info' },
      expose: { rest: true, streaming: 'sse', port: 8080 },
      metadata: { maintainer: 'paritosh.sharma@company.com', tags: ['finance', 'extraction'] },
    } satisfies DockfileDocument;
    const fromYaml = parse(readFileSync(join(import.meta.dirname, 'testdata', 'full', 'Dockfile.yaml'), 'utf8')) as unknown;
    expect(fromYaml).toEqual(full);
  });

  it('defaults are optional as written and present once frozen', () => {
    expectTypeOf<DockfileDocument['expose']['port']>().toEqualTypeOf<number | undefined>();
    expectTypeOf<DockSpec['expose']['port']>().toEqualTypeOf<number>();
    expectTypeOf<DockSpec['policies']['tools']['deny_by_default']>().toEqualTypeOf<boolean>();
    expectTypeOf<DockSpec['agent']['framework']>().toEqualTypeOf<(typeof FRAMEWORKS)[number]>();
    expectTypeOf<DockSpec['auth']['mode']>().toEqualTypeOf<'jwt' | 'api_key' | 'oauth2'>();
  });
});
