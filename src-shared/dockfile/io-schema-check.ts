/**
 * `io_schema` (error code 4004): either inline JSON-Schema objects for input and output, or a pair
 * of Pydantic class paths. The JSON Schema states this as a `oneOf`, whose failures Ajv reports
 * once per branch; this module says what is actually wrong, and also walks nested properties and
 * `items`, which the top-level schema leaves open.
 */
import { formatPath } from './diagnostics';
import type { Finding } from './diagnostics';
import { CLASS_PATH_PATTERN, IO_FIELD_TYPES } from './schema';
import { describe } from './schema-check';
import { closestName } from './semantic/closest-name';

const INLINE_KEYS = ['input', 'output'] as const;
const CLASS_KEYS = ['input_class', 'output_class'] as const;
const TOP_KEYS = new Set(['type', 'description', 'required', 'properties', 'additionalProperties', 'title']);
const FIELD_KEYS = new Set(['type', 'description', 'items', 'properties', 'required', 'enum', 'default', 'title', 'format', 'minimum', 'maximum', 'minLength', 'maxLength', 'pattern', 'minItems', 'maxItems', 'examples', 'additionalProperties', 'nullable']);
const MAX_DEPTH = 32;
const CLASS_PATH = new RegExp(CLASS_PATH_PATTERN, 'u');

/** Explains everything wrong with `io_schema`; an empty list means it is well formed. */
export function checkIoSchema(ioSchema: unknown): Finding[] {
  const problems: Finding[] = [];
  const add = (segments: (string | number)[], message: string, fix?: string, prefer: 'key' | 'value' = 'value'): void => {
    problems.push({ segments, prefer, draft: { code: 4004, path: formatPath(segments), message, ...(fix ? { fix } : {}) } });
  };
  if (ioSchema === undefined) return problems; // "missing required field" comes from the schema stage.
  if (!isRecord(ioSchema)) {
    add(['io_schema'], `io_schema must be a mapping, got ${describe(ioSchema)}`, 'give input and output schemas, or input_class and output_class');
    return problems;
  }
  const has = (key: string): boolean => Object.prototype.hasOwnProperty.call(ioSchema, key);
  const inline = INLINE_KEYS.filter(has);
  const classes = CLASS_KEYS.filter(has);
  for (const key of Object.keys(ioSchema)) {
    if (![...INLINE_KEYS, ...CLASS_KEYS].includes(key as never)) {
      const suggestion = closestName(key, [...INLINE_KEYS, ...CLASS_KEYS]);
      add(['io_schema', key], `unknown field io_schema.${key}${suggestion ? ` — did you mean ${suggestion}?` : ''}`, 'io_schema takes input and output, or input_class and output_class', 'key');
    }
  }
  if (inline.length && classes.length) {
    add(['io_schema'], 'io_schema mixes inline schemas (input/output) with class paths (input_class/output_class)', 'use one style for both input and output', 'key');
    return problems;
  }
  if (!inline.length && !classes.length) {
    add(['io_schema'], 'io_schema declares neither inline schemas nor class paths', 'add input and output schemas, or input_class and output_class', 'key');
    return problems;
  }
  const pair = inline.length ? INLINE_KEYS : CLASS_KEYS;
  const missing = pair.filter((key) => !has(key));
  for (const key of missing) {
    const present = pair.find((other) => other !== key) as string;
    add(['io_schema', key], `io_schema has ${present} but not ${key}: they come in pairs`, `add io_schema.${key}`, 'key');
  }
  if (inline.length) {
    for (const key of inline) checkObjectSchema(ioSchema[key], ['io_schema', key], add);
  } else {
    for (const key of classes) {
      const value = ioSchema[key];
      if (typeof value !== 'string' || !CLASS_PATH.test(value)) {
        add(['io_schema', key], `io_schema.${key} ${describe(value)} must be a Python class path like app.schemas.InvoiceInput`);
      }
    }
  }
  return problems;
}

type Add = (segments: (string | number)[], message: string, fix?: string, prefer?: 'key' | 'value') => void;

function checkObjectSchema(value: unknown, segments: (string | number)[], add: Add): void {
  const where = formatPath(segments);
  if (!isRecord(value)) {
    add(segments, `${where} must be a mapping like { type: object, properties: {…} }, got ${describe(value)}`);
    return;
  }
  if (value.type !== 'object') add([...segments, 'type'], `${where}.type must be object: agent input and output are JSON objects`, 'set type: object');
  for (const key of Object.keys(value)) {
    if (!TOP_KEYS.has(key)) {
      const suggestion = closestName(key, [...TOP_KEYS]);
      add([...segments, key], `unknown field ${where}.${key}${suggestion ? ` — did you mean ${suggestion}?` : ''}`, undefined, 'key');
    }
  }
  if (value.additionalProperties !== undefined && typeof value.additionalProperties !== 'boolean') {
    add([...segments, 'additionalProperties'], `${where}.additionalProperties must be true or false`);
  }
  checkFields(value, segments, add, 0);
}

/** Checks `properties` and `required` of an object schema, recursing into nested objects and arrays. */
function checkFields(schema: Record<string, unknown>, segments: (string | number)[], add: Add, depth: number): void {
  const where = formatPath(segments);
  const properties = schema.properties;
  if (properties !== undefined && !isRecord(properties)) {
    add([...segments, 'properties'], `${where}.properties must be a mapping of field name → schema, got ${describe(properties)}`);
    return;
  }
  const names = properties ? Object.keys(properties) : [];
  const required = schema.required;
  if (required !== undefined) {
    if (!Array.isArray(required)) add([...segments, 'required'], `${where}.required must be a list of field names`);
    else {
      required.forEach((name, index) => {
        if (typeof name !== 'string') add([...segments, 'required', index], `${where}.required[${index}] must be a field name`);
        else if (!names.includes(name)) {
          const suggestion = closestName(name, names);
          add([...segments, 'required', index], `${where}.required names "${name}", which is not among its properties${suggestion ? ` — did you mean ${suggestion}?` : ''}`, `declare ${name} under properties, or remove it from required`);
        }
      });
    }
  }
  if (!properties) return;
  for (const name of names) checkField(properties[name], [...segments, 'properties', name], add, depth + 1);
}

function checkField(field: unknown, segments: (string | number)[], add: Add, depth: number): void {
  const where = formatPath(segments);
  if (depth > MAX_DEPTH) {
    add(segments, `${where} nests deeper than ${MAX_DEPTH} levels`);
    return;
  }
  if (!isRecord(field)) {
    add(segments, `${where} must be a schema like { type: string }, got ${describe(field)}`, undefined, 'key');
    return;
  }
  const type = field.type;
  const types = Array.isArray(type) ? type : [type];
  if (type === undefined) add(segments, `${where} has no type`, `add type: one of ${IO_FIELD_TYPES.join(', ')}`, 'key');
  for (const item of types) {
    if (type !== undefined && (typeof item !== 'string' || !(IO_FIELD_TYPES as readonly string[]).includes(item))) {
      const suggestion = typeof item === 'string' ? closestName(item, [...IO_FIELD_TYPES]) : undefined;
      add([...segments, 'type'], `${where}.type ${describe(item)} is not a JSON Schema type${suggestion ? ` — did you mean ${suggestion}?` : ''}`, `use one of ${IO_FIELD_TYPES.join(', ')}`);
    }
  }
  for (const key of Object.keys(field)) {
    if (!FIELD_KEYS.has(key)) {
      const suggestion = closestName(key, [...FIELD_KEYS]);
      if (suggestion) add([...segments, key], `unknown keyword ${where}.${key} — did you mean ${suggestion}?`, undefined, 'key');
    }
  }
  if (field.enum !== undefined && (!Array.isArray(field.enum) || field.enum.length === 0)) add([...segments, 'enum'], `${where}.enum must be a non-empty list`);
  if (field.description !== undefined && typeof field.description !== 'string') add([...segments, 'description'], `${where}.description must be text`);
  if (types.includes('object') && field.properties !== undefined) checkFields(field, segments, add, depth);
  if (types.includes('array') && field.items !== undefined) {
    if (Array.isArray(field.items)) field.items.forEach((item, index) => checkField(item, [...segments, 'items', index], add, depth + 1));
    else checkField(field.items, [...segments, 'items'], add, depth + 1);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
