/**
 * The form view's fields, generated from the Dockfile JSON Schema: each entry names a path and a
 * label; its kind (text, select, checkbox, number, list), help text, choices, default and bounds
 * come from the schema, so the form cannot offer a value the schema does not know.
 */
import { dockfileSchema } from '../../../../src-shared/dockfile/schema';
import type { FieldPath } from './document-edit';

export type FieldKind = 'text' | 'select' | 'checkbox' | 'number' | 'list';

export interface FormField {
  path: FieldPath;
  label: string;
  kind: FieldKind;
  description?: string;
  /** Choices of a select, from the schema's enum. */
  options?: readonly string[];
  /** What applies when the field is absent. */
  defaultValue?: unknown;
  integer?: boolean;
  minimum?: number;
  maximum?: number;
  /** For lists: what one item is called ("tool" → "Add tool", "Remove tool search"). */
  itemLabel?: string;
  /** Shown in a monospace font (code references, patterns). */
  code?: boolean;
}

export interface FormSection {
  title: string;
  fields: FormField[];
}

interface SchemaNode {
  type?: string;
  description?: string;
  enum?: readonly unknown[];
  default?: unknown;
  minimum?: number;
  maximum?: number;
  properties?: Record<string, SchemaNode>;
  items?: SchemaNode;
}

/** The schema node describing `path` (object properties and array items), or undefined. */
export function schemaAt(path: FieldPath): SchemaNode | undefined {
  let node: SchemaNode | undefined = dockfileSchema as unknown as SchemaNode;
  for (const segment of path) {
    if (!node) return undefined;
    node = typeof segment === 'number' ? node.items : node.properties?.[segment];
  }
  return node;
}

interface FieldSpec {
  path: FieldPath;
  label: string;
  itemLabel?: string;
  code?: boolean;
}

/** A form field for `spec`, typed by the schema. Throws when the path is not in the schema (caught by the test). */
export function describeField(spec: FieldSpec): FormField {
  const node = schemaAt(spec.path);
  if (!node) throw new Error(`The Dockfile schema has no ${spec.path.join('.')}`);
  const field: FormField = { path: spec.path, label: spec.label, kind: kindOf(node) };
  if (node.description) field.description = node.description;
  if (node.enum) field.options = node.enum.map(String);
  if (node.default !== undefined) field.defaultValue = node.default;
  if (node.type === 'integer') field.integer = true;
  if (node.minimum !== undefined) field.minimum = node.minimum;
  if (node.maximum !== undefined) field.maximum = node.maximum;
  if (spec.itemLabel) field.itemLabel = spec.itemLabel;
  if (spec.code) field.code = true;
  return field;
}

function kindOf(node: SchemaNode): FieldKind {
  if (node.enum) return 'select';
  switch (node.type) {
    case 'boolean':
      return 'checkbox';
    case 'number':
    case 'integer':
      return 'number';
    case 'array':
      if (node.items?.type === 'string') return 'list';
      break;
    case 'string':
      return 'text';
  }
  throw new Error(`The form has no control for schema type ${String(node.type)}`);
}

const section = (title: string, specs: FieldSpec[]): FormSection => ({ title, fields: specs.map(describeField) });

/** The common fields, in the order the form shows them. Everything else is edited in the editor. */
export const DOCKFILE_FORM: readonly FormSection[] = [
  section('Agent', [
    { path: ['agent', 'name'], label: 'Name', code: true },
    { path: ['agent', 'description'], label: 'Description' },
    { path: ['agent', 'entrypoint'], label: 'Entrypoint', code: true },
    { path: ['agent', 'framework'], label: 'Framework' },
  ]),
  section('Model', [
    { path: ['model', 'provider'], label: 'Provider' },
    { path: ['model', 'name'], label: 'Model name', code: true },
    { path: ['model', 'temperature'], label: 'Temperature' },
    { path: ['model', 'max_tokens'], label: 'Max tokens' },
    { path: ['model', 'endpoint'], label: 'Endpoint', code: true },
  ]),
  section('Policies', [
    { path: ['policies', 'safety', 'redact_patterns'], label: 'PII redaction patterns', itemLabel: 'pattern', code: true },
    { path: ['policies', 'safety', 'block_prompt_injection'], label: 'Block prompt injection' },
    { path: ['policies', 'safety', 'halt_on_violation'], label: 'Halt on violation' },
    { path: ['policies', 'safety', 'max_output_chars'], label: 'Max output characters' },
    { path: ['policies', 'tools', 'allowed'], label: 'Allowed tools', itemLabel: 'tool', code: true },
    { path: ['policies', 'tools', 'deny_by_default'], label: 'Deny tools not allowed' },
  ]),
  section('Auth', [
    { path: ['auth', 'mode'], label: 'Auth mode' },
    { path: ['auth', 'api_keys', 'enabled'], label: 'API keys enabled' },
    { path: ['auth', 'api_keys', 'rotation_days'], label: 'Key rotation (days)' },
    { path: ['auth', 'jwt', 'expiry_minutes'], label: 'JWT expiry (minutes)' },
  ]),
  section('Expose', [
    { path: ['expose', 'rest'], label: 'REST (POST /invoke)' },
    { path: ['expose', 'streaming'], label: 'Streaming' },
    { path: ['expose', 'port'], label: 'Port' },
    { path: ['expose', 'host'], label: 'Bind address', code: true },
    { path: ['expose', 'cors', 'origins'], label: 'CORS origins', itemLabel: 'origin', code: true },
  ]),
  section('Observability', [
    { path: ['observability', 'log_level'], label: 'Log level' },
    { path: ['observability', 'tracing'], label: 'Tracing' },
  ]),
  section('Metadata', [
    { path: ['metadata', 'maintainer'], label: 'Maintainer' },
    { path: ['metadata', 'tags'], label: 'Tags', itemLabel: 'tag' },
  ]),
];
