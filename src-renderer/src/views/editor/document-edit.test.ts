import { describe, expect, it } from 'vitest';
import { createMemoryHost, validateDockfile } from '../../../../src-shared/dockfile';
import { parseDockfileYaml } from './dockfile-yaml';
import { readField, removeField, setField } from './document-edit';
import { STARTER_DOCKFILE } from './starter-dockfile';

const COMMENTED = `# The invoice agent.
version: "1.0"
agent:
  name: invoice_copilot # slug used for the service
  description: "Extract & summarize invoices"
  entrypoint: app.graph:build_graph
  framework: langgraph
  # A field the form does not know about, kept as is.
  owner_team: finance
model:
  provider: openai
  name: gpt-4o-mini
auth:
  mode: api_key
  api_keys: { enabled: true }
expose:
  rest: true
`;

function docOf(text: string) {
  const parsed = parseDockfileYaml(text);
  if (!parsed.ok) throw new Error(parsed.problem);
  return parsed.doc;
}

describe('readField', () => {
  it('reads scalars, collections and absent paths', () => {
    const doc = docOf(COMMENTED);
    expect(readField(doc, ['agent', 'name'])).toBe('invoice_copilot');
    expect(readField(doc, ['auth', 'api_keys'])).toEqual({ enabled: true });
    expect(readField(doc, ['policies', 'tools', 'allowed'])).toBeUndefined();
  });
});

describe('setField', () => {
  it('changes one scalar in place: comments, quoting, unknown fields and every other byte survive', () => {
    const out = setField(COMMENTED, ['agent', 'name'], 'billing_copilot');
    expect(out).toBe(COMMENTED.replace('name: invoice_copilot #', 'name: billing_copilot #'));
    const quoted = setField(COMMENTED, ['agent', 'description'], 'Reads bills');
    expect(quoted).toContain('  description: "Reads bills"\n');
  });

  it('quotes a string that plain YAML would read as another type', () => {
    const out = setField(COMMENTED, ['model', 'name'], 'true');
    expect(readField(docOf(out), ['model', 'name'])).toBe('true');
    const colon = setField(COMMENTED, ['model', 'name'], 'a: b # c');
    expect(readField(docOf(colon), ['model', 'name'])).toBe('a: b # c');
  });

  it('creates missing nested parents and keeps the comments elsewhere', () => {
    const out = setField(COMMENTED, ['policies', 'safety', 'block_prompt_injection'], false);
    const doc = docOf(out);
    expect(readField(doc, ['policies'])).toEqual({ safety: { block_prompt_injection: false } });
    expect(out).toContain('# The invoice agent.');
    expect(out).toContain('name: invoice_copilot # slug used for the service');
    expect(out).toContain('  # A field the form does not know about, kept as is.\n  owner_team: finance');
  });

  it('adds to a flow mapping and appends to a list, creating the list when absent', () => {
    const rotated = setField(COMMENTED, ['auth', 'api_keys', 'rotation_days'], 30);
    expect(readField(docOf(rotated), ['auth', 'api_keys'])).toEqual({ enabled: true, rotation_days: 30 });
    const first = setField(COMMENTED, ['policies', 'tools', 'allowed', 0], 'search');
    const second = setField(first, ['policies', 'tools', 'allowed', 1], 'calculator');
    expect(readField(docOf(second), ['policies', 'tools', 'allowed'])).toEqual(['search', 'calculator']);
    const renamed = setField(second, ['policies', 'tools', 'allowed', 0], 'web_search');
    expect(readField(docOf(renamed), ['policies', 'tools', 'allowed'])).toEqual(['web_search', 'calculator']);
  });

  it('refuses text that does not parse', () => {
    expect(() => setField('agent: [unclosed\n', ['agent', 'name'], 'x')).toThrow(/YAML syntax error at line \d+, column \d+/);
  });

  it('produces a Dockfile the real validator accepts after the edit', async () => {
    const file = '/p/Dockfile.yaml';
    const edited = setField(STARTER_DOCKFILE, ['model', 'temperature'], 0.4);
    const result = await validateDockfile({ file, host: createMemoryHost({ [file]: edited }), text: edited, checkProject: false, allowUnresolved: true });
    expect(result.errorCount).toBe(0);
    const broken = setField(STARTER_DOCKFILE, ['model', 'temperature'], 7);
    const refused = await validateDockfile({ file, host: createMemoryHost({ [file]: broken }), text: broken, checkProject: false, allowUnresolved: true });
    expect(refused.diagnostics.map((d) => [d.code, d.path])).toContainEqual([4002, 'model.temperature']);
  });
});

const SCAFFOLD = `version: "1.0"
io_schema:
  input:
    type: object
    required: [question]

policies:
  # No tools are allowed until you list them here.
  safety:
    redact_patterns:
      - '\\d{16}' # card numbers
    max_output_chars: 5000

expose:
  rest: true
`;

describe('edits touch only the lines they change', () => {
  it('adds a missing nested field at the end of the block that holds it', () => {
    const out = setField(SCAFFOLD, ['policies', 'tools', 'allowed', 0], 'search');
    expect(out).toBe(SCAFFOLD.replace('    max_output_chars: 5000\n', '    max_output_chars: 5000\n  tools:\n    allowed:\n      - search\n'));
  });

  it('appends to a block list and adds a top-level key', () => {
    const appended = setField(SCAFFOLD, ['policies', 'safety', 'redact_patterns', 1], '\\d{3}-\\d{2}-\\d{4}');
    expect(appended).toBe(SCAFFOLD.replace("# card numbers\n", "# card numbers\n      - \\d{3}-\\d{2}-\\d{4}\n"));
    const added = setField(SCAFFOLD, ['observability', 'log_level'], 'debug');
    expect(added).toBe(`${SCAFFOLD}observability:\n  log_level: debug\n`);
  });

  it('removes the lines of a field, or of the list or mapping its removal leaves empty', () => {
    expect(removeField(SCAFFOLD, ['policies', 'safety', 'max_output_chars'])).toBe(SCAFFOLD.replace('    max_output_chars: 5000\n', ''));
    expect(removeField(SCAFFOLD, ['policies', 'safety', 'redact_patterns', 0])).toBe(SCAFFOLD.replace("    redact_patterns:\n      - '\\d{16}' # card numbers\n", ''));
    expect(removeField(SCAFFOLD, ['expose', 'rest'])).toBe(SCAFFOLD.replace('\nexpose:\n  rest: true\n', '\n'));
  });

  it('still gets the data right where a splice cannot (a flow mapping)', () => {
    const out = setField(COMMENTED, ['auth', 'api_keys', 'rotation_days'], 30);
    expect(readField(docOf(out), ['auth', 'api_keys'])).toEqual({ enabled: true, rotation_days: 30 });
    expect(out).toContain('# A field the form does not know about, kept as is.');
  });
});

describe('removeField', () => {
  it('removes a field and keeps the rest, comments included', () => {
    const out = removeField(COMMENTED, ['agent', 'description']);
    expect(readField(docOf(out), ['agent', 'description'])).toBeUndefined();
    expect(out).toContain('name: invoice_copilot # slug used for the service');
    expect(out).toContain('owner_team: finance');
  });

  it('removes mappings and lists the removal left empty, but not the document', () => {
    const added = setField(COMMENTED, ['policies', 'safety', 'max_output_chars'], 500);
    const out = removeField(added, ['policies', 'safety', 'max_output_chars']);
    expect(readField(docOf(out), ['policies'])).toBeUndefined();
    expect(readField(docOf(out), ['agent', 'name'])).toBe('invoice_copilot');
  });

  it('removes a list item by index and leaves an absent path alone', () => {
    const list = setField(setField(COMMENTED, ['metadata', 'tags', 0], 'a'), ['metadata', 'tags', 1], 'b');
    expect(readField(docOf(removeField(list, ['metadata', 'tags', 0])), ['metadata', 'tags'])).toEqual(['b']);
    expect(removeField(COMMENTED, ['observability', 'log_level'])).toBe(COMMENTED);
  });
});
