import { describe, expect, it } from 'vitest';
import { AUTH_MODES, MODEL_PROVIDERS, STREAMING_MODES } from '../../../../src-shared/dockfile/schema';
import { DOCKFILE_FORM, describeField, schemaAt } from './form-fields';

const fields = DOCKFILE_FORM.flatMap((section) => section.fields);
const field = (path: string) => fields.find((f) => f.path.join('.') === path);

describe('the Dockfile form', () => {
  it('types every field from the schema', () => {
    expect(field('model.provider')).toMatchObject({ kind: 'select', options: [...MODEL_PROVIDERS] });
    expect(field('auth.mode')).toMatchObject({ kind: 'select', options: [...AUTH_MODES] });
    expect(field('expose.streaming')).toMatchObject({ kind: 'select', options: [...STREAMING_MODES], defaultValue: 'sse' });
    expect(field('policies.safety.block_prompt_injection')).toMatchObject({ kind: 'checkbox', defaultValue: true });
    expect(field('expose.port')).toMatchObject({ kind: 'number', integer: true, minimum: 1, maximum: 65535, defaultValue: 8080 });
    expect(field('model.temperature')).toMatchObject({ kind: 'number', minimum: 0, maximum: 2 });
    expect(field('model.temperature')?.integer).toBeUndefined();
    expect(field('policies.tools.allowed')).toMatchObject({ kind: 'list', itemLabel: 'tool', description: 'Tools the agent may call.' });
    expect(field('agent.name')).toMatchObject({ kind: 'text', description: expect.stringContaining('lowercase') });
  });

  it('has unique paths and labels (labels are the accessible names)', () => {
    expect(new Set(fields.map((f) => f.path.join('.'))).size).toBe(fields.length);
    expect(new Set(fields.map((f) => f.label)).size).toBe(fields.length);
  });

  it('refuses a path the schema does not have', () => {
    expect(schemaAt(['agent', 'replicas'])).toBeUndefined();
    expect(() => describeField({ path: ['agent', 'replicas'], label: 'Replicas' })).toThrow(/no agent\.replicas/);
  });
});
