/**
 * The playground form, generated from the agent's input JSON Schema: top-level string, number,
 * integer, boolean and enum properties become fields; anything else (nested objects, arrays,
 * unions, no schema) falls back to a JSON textarea so every agent stays invocable.
 */

export type FormField =
  | { kind: 'string'; name: string; label: string; required: boolean; description?: string; multiline: boolean; defaultValue: string }
  | { kind: 'number'; name: string; label: string; required: boolean; description?: string; integer: boolean; defaultValue: string }
  | { kind: 'boolean'; name: string; label: string; required: boolean; description?: string; defaultValue: boolean }
  | { kind: 'enum'; name: string; label: string; required: boolean; description?: string; options: string[]; defaultValue: string };

/** Fields for a schema, or `{ fallback: true }` with a JSON template when the schema needs the textarea. */
export type FormPlan = { fallback: false; fields: FormField[] } | { fallback: true; template: string };

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

function fieldFor(name: string, schema: Json, required: boolean): FormField | null {
  const label = typeof schema.title === 'string' ? schema.title : name;
  const description = typeof schema.description === 'string' ? { description: schema.description } : {};
  if (Array.isArray(schema.enum) && schema.enum.length > 0 && schema.enum.every((option) => typeof option === 'string')) {
    const options = schema.enum as string[];
    const defaultValue = typeof schema.default === 'string' && options.includes(schema.default) ? schema.default : (options[0] ?? '');
    return { kind: 'enum', name, label, required, ...description, options, defaultValue };
  }
  switch (schema.type) {
    case 'string': {
      const multiline = typeof schema.maxLength !== 'number' || schema.maxLength > 200;
      return { kind: 'string', name, label, required, ...description, multiline, defaultValue: typeof schema.default === 'string' ? schema.default : '' };
    }
    case 'number':
    case 'integer':
      return { kind: 'number', name, label, required, ...description, integer: schema.type === 'integer', defaultValue: typeof schema.default === 'number' ? String(schema.default) : '' };
    case 'boolean':
      return { kind: 'boolean', name, label, required, ...description, defaultValue: schema.default === true };
    default:
      return null;
  }
}

/** Plans the form for an input schema. */
export function planForm(schema: Record<string, unknown> | null): FormPlan {
  if (!schema || schema.type !== 'object' || !isObject(schema.properties)) return { fallback: true, template: '{\n  \n}' };
  const required = new Set(Array.isArray(schema.required) ? schema.required.filter((name): name is string => typeof name === 'string') : []);
  const fields: FormField[] = [];
  for (const [name, property] of Object.entries(schema.properties)) {
    const field = isObject(property) ? fieldFor(name, property, required.has(name)) : null;
    if (!field) {
      const template: Json = {};
      for (const [key, value] of Object.entries(schema.properties)) template[key] = isObject(value) && 'default' in value ? value.default : null;
      return { fallback: true, template: JSON.stringify(template, null, 2) };
    }
    fields.push(field);
  }
  return { fallback: false, fields };
}

/** Form values as the UI holds them: strings for text and number inputs, booleans for checkboxes. */
export type FormValues = Record<string, string | boolean>;

/** The initial values of a planned form. */
export function initialValues(fields: readonly FormField[]): FormValues {
  return Object.fromEntries(fields.map((field) => [field.name, field.defaultValue]));
}

/** The invocation input from the form, or the first problem (naming the field). Empty optional fields are left out. */
export function inputFromForm(fields: readonly FormField[], values: FormValues): { ok: true; input: Record<string, unknown> } | { ok: false; message: string } {
  const input: Record<string, unknown> = {};
  for (const field of fields) {
    const value = values[field.name];
    if (field.kind === 'boolean') {
      input[field.name] = value === true;
      continue;
    }
    const text = typeof value === 'string' ? value : '';
    if (text.trim() === '') {
      if (field.required) return { ok: false, message: `${field.label} is required.` };
      continue;
    }
    if (field.kind === 'number') {
      const number = Number(text);
      if (!Number.isFinite(number)) return { ok: false, message: `${field.label} must be a number.` };
      if (field.integer && !Number.isInteger(number)) return { ok: false, message: `${field.label} must be a whole number.` };
      input[field.name] = number;
      continue;
    }
    input[field.name] = text;
  }
  return { ok: true, input };
}

/** The input from the JSON textarea: it must be a JSON object. */
export function inputFromJson(text: string): { ok: true; input: Record<string, unknown> } | { ok: false; message: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return { ok: false, message: `The input is not valid JSON: ${error instanceof Error ? error.message : String(error)}` };
  }
  return isObject(parsed) ? { ok: true, input: parsed } : { ok: false, message: 'The input must be a JSON object, e.g. {"query": "hello"}.' };
}
