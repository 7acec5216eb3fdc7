import { describe, expect, it } from 'vitest';
import { initialValues, inputFromForm, inputFromJson, planForm } from './schema-form';

const schema = {
  type: 'object',
  required: ['query', 'limit'],
  properties: {
    query: { type: 'string', title: 'Question', description: 'What to ask' },
    limit: { type: 'integer', default: 5 },
    temperature: { type: 'number' },
    verbose: { type: 'boolean', default: true },
    tone: { type: 'string', enum: ['formal', 'casual'], default: 'casual' },
    code: { type: 'string', maxLength: 12 },
  },
};

describe('planForm', () => {
  it('makes one field per scalar property, with labels, defaults and required flags', () => {
    const plan = planForm(schema);
    if (plan.fallback) throw new Error('expected fields');
    expect(plan.fields.map((field) => [field.name, field.kind, field.required])).toEqual([
      ['query', 'string', true],
      ['limit', 'number', true],
      ['temperature', 'number', false],
      ['verbose', 'boolean', false],
      ['tone', 'enum', false],
      ['code', 'string', false],
    ]);
    expect(plan.fields[0]).toMatchObject({ label: 'Question', description: 'What to ask', multiline: true });
    expect(plan.fields[5]).toMatchObject({ multiline: false });
    expect(initialValues(plan.fields)).toEqual({ query: '', limit: '5', temperature: '', verbose: true, tone: 'casual', code: '' });
  });

  it('falls back to JSON for nested schemas and for no schema', () => {
    const nested = planForm({ type: 'object', properties: { query: { type: 'string' }, filters: { type: 'object' } } });
    expect(nested.fallback).toBe(true);
    if (nested.fallback) expect(JSON.parse(nested.template)).toEqual({ query: null, filters: null });
    expect(planForm(null).fallback).toBe(true);
    expect(planForm({ type: 'string' }).fallback).toBe(true);
  });
});

describe('inputFromForm', () => {
  const plan = planForm(schema);
  const fields = plan.fallback ? [] : plan.fields;

  it('converts values to the schema types and drops empty optional fields', () => {
    const result = inputFromForm(fields, { ...initialValues(fields), query: 'hi', temperature: '0.2' });
    expect(result).toEqual({ ok: true, input: { query: 'hi', limit: 5, temperature: 0.2, verbose: true, tone: 'casual' } });
  });

  it('names the field that is missing or malformed', () => {
    expect(inputFromForm(fields, { ...initialValues(fields) })).toEqual({ ok: false, message: 'Question is required.' });
    expect(inputFromForm(fields, { ...initialValues(fields), query: 'x', limit: '2.5' })).toEqual({ ok: false, message: 'limit must be a whole number.' });
    expect(inputFromForm(fields, { ...initialValues(fields), query: 'x', temperature: 'warm' })).toEqual({ ok: false, message: 'temperature must be a number.' });
  });
});

describe('inputFromJson', () => {
  it('accepts an object and explains anything else', () => {
    expect(inputFromJson('{"a":1}')).toEqual({ ok: true, input: { a: 1 } });
    expect(inputFromJson('[1]')).toMatchObject({ ok: false });
    const broken = inputFromJson('{');
    expect(broken.ok).toBe(false);
    if (!broken.ok) expect(broken.message).toMatch(/not valid JSON/);
  });
});
