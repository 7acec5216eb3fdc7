/**
 * Reading and changing one value of a Dockfile by path, for the form view. The text stays the
 * source of truth: each edit parses it and applies the change with the `yaml` Document API
 * (setIn / deleteIn), so comments, key order and fields the form does not know about survive.
 *
 * Re-emitting the whole document would also restyle lines nobody touched (`[a]` → `[ a ]`), so
 * the edit is first tried as a splice of only the text that changes: the scalar typed into, the
 * pair or list item added to the end of its block, the lines of the pair removed. A splice is kept
 * only when the text it produces parses to exactly the data the Document API produced; otherwise
 * (unusual layouts) the edited Document is written out whole, as Format would.
 */
import { Document, isCollection, isMap, isScalar, isSeq, Scalar } from 'yaml';
import type { Node as YamlNode, Pair, YAMLMap, YAMLSeq } from 'yaml';
import { DOCKFILE_YAML_OUTPUT, parseDockfileYaml } from './dockfile-yaml';

export type FieldPath = readonly (string | number)[];

/** The plain value at `path` (collections as plain arrays and objects), or undefined when absent. */
export function readField(doc: Document, path: FieldPath): unknown {
  const node: unknown = doc.getIn(path, true);
  if (node === undefined) return undefined;
  if (isScalar(node)) return node.value;
  if (isCollection(node)) return node.toJSON();
  return node;
}

function parsed(text: string): Document.Parsed {
  const result = parseDockfileYaml(text);
  if (!result.ok) throw new Error(result.problem);
  return result.doc;
}

/** `text` with the value at `path` set (missing parents are created as block mappings). Throws on unparsable text. */
export function setField(text: string, path: FieldPath, value: unknown): string {
  const doc = parsed(text);
  const expected = doc.clone();
  expected.setIn(path, value);
  const spliced = spliceScalar(text, doc, path, value) ?? appendToBlock(text, doc, path, value);
  return keepIfSame(spliced, expected);
}

/** `text` without the value at `path`; mappings and lists left empty by the removal go too (empty means absent). Throws on unparsable text. */
export function removeField(text: string, path: FieldPath): string {
  const doc = parsed(text);
  if (!doc.hasIn(path)) return text;
  const removed = pruneTarget(doc, path);
  const expected = doc.clone();
  expected.deleteIn(removed);
  return keepIfSame(cutItem(text, doc, removed), expected);
}

/** The splice when it reads back as the Document API's result, else that result written out whole. */
function keepIfSame(spliced: string | undefined, expected: Document): string {
  if (spliced !== undefined) {
    const reread = parseDockfileYaml(spliced);
    if (reread.ok && JSON.stringify(reread.doc.toJS()) === JSON.stringify(expected.toJS())) return spliced;
  }
  return expected.toString(DOCKFILE_YAML_OUTPUT);
}

/** What removing `path` really removes: the field, or its outermost ancestor mapping or list that would be left empty (never the document). */
function pruneTarget(doc: Document, path: FieldPath): FieldPath {
  let target = path;
  while (target.length > 1) {
    const parent: unknown = doc.getIn(target.slice(0, -1), true);
    if (!isCollection(parent) || parent.items.length !== 1) break;
    target = target.slice(0, -1);
  }
  return target;
}

const SPLICEABLE_TYPES = new Set<string | undefined>([Scalar.PLAIN, Scalar.QUOTE_DOUBLE, Scalar.QUOTE_SINGLE]);

/** An existing one-line scalar replaced in place: same quoting where the new value allows it, its comment untouched. */
function spliceScalar(text: string, doc: Document, path: FieldPath, value: unknown): string | undefined {
  if (value !== null && typeof value === 'object') return undefined;
  const node = doc.getIn(path, true) as YamlNode | undefined;
  if (!isScalar(node) || !node.range || node.tag || node.value === null || !SPLICEABLE_TYPES.has(node.type)) return undefined;
  const [start, valueEnd] = node.range;
  if (text.slice(start, valueEnd).includes('\n')) return undefined;
  const replacement = new Scalar(value);
  if (typeof value === 'string' && typeof node.value === 'string') replacement.type = node.type;
  const rendered = render(replacement);
  return rendered.includes('\n') ? undefined : text.slice(0, start) + rendered + text.slice(valueEnd);
}

/** One node written alone, without the final newline. */
function render(node: unknown): string {
  return new Document(node, { version: '1.2' }).toString(DOCKFILE_YAML_OUTPUT).replace(/\n$/, '');
}

const lineStart = (text: string, offset: number): number => text.lastIndexOf('\n', offset - 1) + 1;

/** The collection nearest to `path` that exists (the document's root at worst), and how deep it is. */
function deepestCollection(doc: Document, path: FieldPath): { node: YAMLMap | YAMLSeq; depth: number } | undefined {
  for (let depth = path.length - 1; depth >= 0; depth--) {
    const node: unknown = depth === 0 ? doc.contents : doc.getIn(path.slice(0, depth), true);
    if (isMap(node) || isSeq(node)) return { node, depth };
    if (node !== undefined) return undefined; // A scalar in the way: setIn replaces it; re-emit.
  }
  return undefined;
}

/** The new key (or list item) added at the end of the block collection that holds it, indented like its siblings. */
function appendToBlock(text: string, doc: Document, path: FieldPath, value: unknown): string | undefined {
  const found = deepestCollection(doc, path);
  if (!found?.node.range || found.node.flow || found.node.items.length === 0) return undefined;
  const { node, depth } = found;
  const [start, valueEnd] = found.node.range;
  const key = path[depth]!;
  if (isMap(node) ? node.has(key) : key !== node.items.length) return undefined;
  // Missing parents become nested mappings (or a list for a numeric segment), as setIn makes them.
  let built = value;
  for (let index = path.length - 1; index > depth; index--) {
    const segment = path[index]!;
    built = typeof segment === 'number' ? [built] : { [segment]: built };
  }
  const entry = render(isMap(node) ? { [String(key)]: built } : [built]);
  const indent = ' '.repeat(start - lineStart(text, start));
  const block = entry
    .split('\n')
    .map((line) => (line ? indent + line : line))
    .join('\n');
  if (valueEnd === text.length && !text.endsWith('\n')) return `${text}\n${block}`;
  if (lineStart(text, valueEnd) !== valueEnd) return undefined;
  return `${text.slice(0, valueEnd)}${block}\n${text.slice(valueEnd)}`;
}

/** The whole lines of one pair or list item cut out of its block collection. */
function cutItem(text: string, doc: Document, path: FieldPath): string | undefined {
  const container: unknown = path.length === 1 ? doc.contents : doc.getIn(path.slice(0, -1), true);
  const key = path[path.length - 1]!;
  let first: number | undefined;
  let last: number | undefined;
  if (isMap(container) && !container.flow) {
    const pair = container.items.find((item: Pair) => (isScalar(item.key) ? item.key.value : item.key) === key);
    const keyNode = pair?.key as YamlNode | undefined;
    const valueNode = pair?.value as YamlNode | null | undefined;
    first = keyNode?.range?.[0];
    last = valueNode?.range?.[2] ?? keyNode?.range?.[2];
  } else if (isSeq(container) && !container.flow && typeof key === 'number') {
    const item = container.items[key] as YamlNode | undefined;
    const dash = item?.range ? text.lastIndexOf('-', item.range[0]) : -1;
    first = dash >= 0 ? dash : undefined;
    last = item?.range?.[2];
  }
  if (first === undefined || last === undefined) return undefined;
  const from = lineStart(text, first);
  if (text.slice(from, first).trim() !== '') return undefined;
  // To the end of the line the item ends on (its inline comment included).
  const newline = text.indexOf('\n', Math.max(first, last - 1));
  const to = newline === -1 ? text.length : newline + 1;
  return text.slice(0, from) + text.slice(to);
}
