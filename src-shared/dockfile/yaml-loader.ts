/**
 * Stage 1 of the pipeline (seed 004 §8.6): YAML 1.2 text → a plain value, with `!include`
 * expanded, `${VAR}` interpolated, and a source map from JSON paths to file:line:column.
 *
 * The input is untrusted (a Dockfile from a stranger's repository, a buffer mid-keystroke), so
 * every way YAML can blow up is bounded here: file size, total bytes across includes, nesting
 * depth, alias expansion ("billion laughs"), include depth and cycles, symlink loops, and includes
 * that leave the project directory. Each ends in a diagnostic, never a hang or a crash.
 */
import { isAlias, isMap, isPair, isScalar, isSeq, parseDocument, Scalar } from 'yaml';
import type { Document, DocumentOptions, Node as YamlNode, ParseOptions, ScalarTag, SchemaOptions } from 'yaml';
import { formatPath, placeDiagnostic } from './diagnostics';
import type { DiagnosticDraft, DockfileDiagnostic, DockfileErrorCode, READ_ERROR_NAMES, SourceRange } from './diagnostics';
import { interpolate } from './env-interpolation';
import type { VariableSources } from './env-interpolation';
import { HostError } from './host';
import type { DockfileHost } from './host';
import { SourceMap } from './source-map';
import { dirnamePath, isWithinPath, joinPath, relativePath } from '../util/posix-path';

export interface LoadLimits {
  /** Bytes in any one file. Real Dockfiles are a few KB. */
  maxFileBytes: number;
  /** Bytes across the Dockfile and everything it includes. */
  maxTotalBytes: number;
  /** Nested `!include` levels. */
  maxIncludeDepth: number;
  /** Values produced after alias and include expansion. */
  maxValues: number;
  /** Nested mappings/sequences. */
  maxNesting: number;
}

export const DEFAULT_LOAD_LIMITS: LoadLimits = {
  maxFileBytes: 1024 * 1024,
  maxTotalBytes: 4 * 1024 * 1024,
  maxIncludeDepth: 8,
  maxValues: 100_000,
  maxNesting: 64,
};

export interface LoadOptions {
  /** Absolute path of the Dockfile. */
  file: string;
  /** Absolute path of the agent project; includes may not leave it. */
  projectDir: string;
  host: DockfileHost;
  /** The Dockfile's text when it differs from the disk (an editor buffer). */
  text?: string;
  variables: VariableSources;
  /** Unresolved `${VAR}` become warnings instead of errors (dry-run previews). */
  allowUnresolved?: boolean;
  limits?: Partial<LoadLimits>;
}

export interface LoadResult {
  /** The expanded document, or undefined when it could not be read at all. */
  value: unknown;
  sourceMap: SourceMap;
  diagnostics: DockfileDiagnostic[];
  /** Every file read, Dockfile first (for file watchers and the version's content hash). */
  files: string[];
  /** JSON paths (formatted) whose values still hold an unresolved `${VAR}`. */
  unresolvedPaths: Set<string>;
  /** JSON paths (formatted) whose values came, at least in part, from a variable. */
  interpolatedPaths: Set<string>;
}

interface ParsedFile {
  path: string;
  doc: Document.Parsed;
}

type IncludeResolution = { ok: true; file: string } | { ok: false; code: DockfileErrorCode; name?: ReadErrorName; message: string; fix?: string };
type ReadErrorName = (typeof READ_ERROR_NAMES)[number];
type ReadFailure = { ok: false; code?: DockfileErrorCode; name: ReadErrorName; message: string; fix?: string };

/** `!include` is recognised as a tag so YAML does not warn about it; the loader gives it meaning. */
const includeTag: ScalarTag = {
  tag: '!include',
  resolve: (value: string) => value,
};

/** How every Dockfile is parsed: the loader here, and the editor's format and form (which must read it the same way). */
export const DOCKFILE_YAML_PARSE_OPTIONS: ParseOptions & DocumentOptions & SchemaOptions = { version: '1.2', uniqueKeys: true, prettyErrors: false, customTags: [includeTag], strict: true };

/** Loads, expands and interpolates a Dockfile. Never throws for bad input. */
export async function loadDockfile(options: LoadOptions): Promise<LoadResult> {
  const loader = new Loader(options);
  return loader.load();
}

class Loader {
  private readonly limits: LoadLimits;
  private readonly sourceMap = new SourceMap();
  private readonly diagnostics: DockfileDiagnostic[] = [];
  private readonly parsed = new Map<string, ParsedFile | null>();
  private readonly resolutions = new Map<YamlNode, IncludeResolution>();
  private readonly unresolvedPaths = new Set<string>();
  private readonly interpolatedPaths = new Set<string>();
  private readonly files: string[] = [];
  private readonly texts = new Map<string, string>();
  private totalBytes = 0;
  private values = 0;
  private budgetExceeded = false;

  constructor(private readonly options: LoadOptions) {
    this.limits = { ...DEFAULT_LOAD_LIMITS, ...options.limits };
  }

  async load(): Promise<LoadResult> {
    const root = await this.readRoot();
    let value: unknown = undefined;
    if (root) {
      await this.loadIncludes(root, [root.path], 1);
      const contents = root.doc.contents;
      if (contents === null || (isScalar(contents) && contents.value === null && !root.doc.errors.length)) {
        this.report(root.path, { start: 0, end: 0 }, {
          code: 4001,
          name: 'YamlSyntaxError',
          path: '',
          message: 'the Dockfile is empty',
          fix: 'start from `agentdock init`, or add version: "1.0", agent, model, io_schema, auth and expose',
        });
      } else if (!root.doc.errors.length) {
        value = this.convert(contents, root.path, [], [root.path], 0, new Set());
      }
    }
    return { value, sourceMap: this.sourceMap, diagnostics: this.diagnostics, files: this.files, unresolvedPaths: this.unresolvedPaths, interpolatedPaths: this.interpolatedPaths };
  }

  private async readRoot(): Promise<ParsedFile | undefined> {
    const { file, text } = this.options;
    if (text !== undefined) return this.parse(file, this.checkText(file, text));
    const loaded = await this.readFile(file);
    if (!loaded.ok) {
      this.diagnostics.push(placeDiagnostic(wholeFile(file), { code: loaded.code ?? 4001, ...(loaded.code ? {} : { name: loaded.name }), path: '', message: loaded.message, ...(loaded.fix ? { fix: loaded.fix } : {}) }));
      return undefined;
    }
    return this.parse(loaded.path, this.checkText(loaded.path, loaded.text));
  }

  /** Reads a file through the host within the size limits; errors become messages. */
  private async readFile(path: string): Promise<{ ok: true; path: string; text: string } | ReadFailure> {
    try {
      const stat = await this.options.host.stat(path);
      if (!stat) return { ok: false, name: 'IncludeError', message: `${this.display(path)} does not exist`, fix: 'check the path; it is relative to the file that names it' };
      if (!stat.isFile) return { ok: false, name: 'IncludeError', message: `${this.display(path)} is not a file` };
      if (stat.size > this.limits.maxFileBytes) {
        return { ok: false, name: 'InputLimitError', message: `${this.display(path)} is ${formatBytes(stat.size)}; a Dockfile may be at most ${formatBytes(this.limits.maxFileBytes)}`, fix: 'a Dockfile is configuration: move data out of it' };
      }
      if (this.totalBytes + stat.size > this.limits.maxTotalBytes) {
        return { ok: false, name: 'InputLimitError', message: `includes add up to more than ${formatBytes(this.limits.maxTotalBytes)}` };
      }
      const bytes = await this.options.host.readFile(path);
      this.totalBytes += bytes.length;
      const text = this.decode(path, bytes);
      if (typeof text !== 'string') return { ok: false, name: 'YamlSyntaxError', ...text };
      return { ok: true, path, text };
    } catch (error) {
      if (error instanceof HostError && error.code === 'ELOOP') {
        return { ok: false, code: 4009, name: 'IncludeError', message: `${this.display(path)} is a symbolic link loop`, fix: 'point the link at a real file' };
      }
      return { ok: false, name: 'IncludeError', message: `cannot read ${this.display(path)}: ${error instanceof Error ? error.message : String(error)}` };
    }
  }

  /** Bytes → text, refusing binary files with a message that says so. */
  private decode(path: string, bytes: Uint8Array): string | { message: string; fix?: string } {
    const nul = bytes.indexOf(0);
    if (nul >= 0) return { message: `${this.display(path)} contains a NUL byte at offset ${nul}: it looks like a binary file, not YAML`, fix: 'point at the YAML Dockfile' };
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      return { message: `${this.display(path)} is not valid UTF-8 text`, fix: 'save the file as UTF-8' };
    }
    return text;
  }

  /**
   * Applies the limits to text from any source (a file, whose size `stat` already bounded, or an
   * editor buffer); reports the refusal, with its position, and returns undefined.
   */
  private checkText(path: string, text: string): string | undefined {
    const stripped = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
    if (stripped.length > this.limits.maxFileBytes) {
      this.diagnostics.push(placeDiagnostic(wholeFile(path), { code: 4001, name: 'InputLimitError', path: '', message: `${this.display(path)} is larger than ${formatBytes(this.limits.maxFileBytes)}`, fix: 'a Dockfile is configuration: move data out of it' }));
      return undefined;
    }
    const depth = flowNestingDepth(stripped, this.limits.maxNesting);
    if (depth.exceeded) {
      this.sourceMap.addFile(path, stripped);
      this.report(path, { start: depth.offset, end: depth.offset + 1 }, { code: 4001, name: 'InputLimitError', path: '', message: `nesting deeper than ${this.limits.maxNesting} levels`, fix: 'flatten the structure' });
      return undefined;
    }
    return stripped;
  }

  private parse(path: string, text: string | undefined): ParsedFile | undefined {
    if (text === undefined) return undefined;
    this.files.push(path);
    this.texts.set(path, text);
    this.sourceMap.addFile(path, text);
    let doc: Document.Parsed;
    try {
      doc = parseDocument(text, DOCKFILE_YAML_PARSE_OPTIONS);
    } catch (error) {
      // The parser is recursive; a pathological input can still exhaust the stack.
      const message = error instanceof RangeError ? 'the YAML is too deeply nested to parse' : `the YAML parser failed: ${String(error)}`;
      this.report(path, { start: 0, end: 1 }, { code: 4001, name: 'YamlSyntaxError', path: '', message });
      return undefined;
    }
    for (const error of doc.errors) {
      this.report(path, { start: error.pos[0], end: error.pos[1] }, { code: 4001, name: 'YamlSyntaxError', path: '', ...yamlErrorMessage(error.code, error.message) });
    }
    for (const warning of doc.warnings) {
      if (warning.code === 'TAG_RESOLVE_FAILED') {
        this.report(path, { start: warning.pos[0], end: warning.pos[1] }, { code: 4001, name: 'YamlSyntaxError', path: '', message: `${firstLine(warning.message)}; the Dockfile supports only the !include tag`, fix: 'remove the tag' });
      }
    }
    const file = { path, doc };
    this.parsed.set(path, file);
    return file;
  }

  /** Finds, checks and parses every file reachable through `!include`, depth first. */
  private async loadIncludes(file: ParsedFile, stack: string[], depth: number): Promise<void> {
    for (const node of includeNodes(file.doc)) {
      const resolution = await this.resolveInclude(file.path, node, depth);
      this.resolutions.set(node, resolution);
      if (!resolution.ok || stack.includes(resolution.file)) continue;
      if (!this.parsed.has(resolution.file)) {
        const loaded = await this.readFile(resolution.file);
        if (!loaded.ok) {
          this.resolutions.set(node, { ok: false, code: loaded.code ?? 4001, name: loaded.name, message: loaded.message, ...(loaded.fix ? { fix: loaded.fix } : {}) });
          this.parsed.set(resolution.file, null);
          continue;
        }
        // A refused or unparsable file reports its own problems, where they are; the include resolves to null.
        const child = this.parse(resolution.file, this.checkText(resolution.file, loaded.text));
        if (!child) {
          this.parsed.set(resolution.file, null);
          continue;
        }
        await this.loadIncludes(child, [...stack, resolution.file], depth + 1);
      }
    }
  }

  private async resolveInclude(from: string, node: YamlNode, depth: number): Promise<IncludeResolution> {
    const target = isScalar(node) && typeof node.value === 'string' ? node.value.trim() : '';
    if (!target) return { ok: false, code: 4001, message: '!include needs a file path', fix: 'write `!include path/to/file.yaml`' };
    if (depth > this.limits.maxIncludeDepth) {
      return { ok: false, code: 4009, message: `includes nest deeper than ${this.limits.maxIncludeDepth} levels`, fix: 'flatten the includes' };
    }
    const projectDir = this.options.projectDir;
    const lexical = joinPath(dirnamePath(from), target);
    const outside = { ok: false as const, code: 4001 as const, message: `!include ${target} resolves outside the project directory`, fix: `keep included files inside ${projectDir}` };
    if (!isWithinPath(projectDir, lexical)) return outside;
    let real: string;
    try {
      real = await this.options.host.realpath(lexical);
    } catch (error) {
      if (error instanceof HostError && error.code === 'ELOOP') return { ok: false, code: 4009, message: `!include ${target} is a symbolic link loop`, fix: 'point the link at a real file' };
      return { ok: false, code: 4001, message: `!include ${target}: ${this.display(lexical)} does not exist`, fix: 'check the path; it is relative to the including file' };
    }
    let realProject = projectDir;
    try {
      realProject = await this.options.host.realpath(projectDir);
    } catch {
      // An unreadable project dir leaves the lexical check as the only one.
    }
    // A symlink inside the project can still point anywhere; judge the resolved path too.
    if (!isWithinPath(realProject, real)) return outside;
    return { ok: true, file: real };
  }

  /** YAML node → plain value, recording source positions, expanding aliases and includes. */
  private convert(node: unknown, file: string, path: (string | number)[], includeStack: string[], depth: number, aliasStack: Set<YamlNode>, key?: { start: number; end: number }): unknown {
    if (this.budgetExceeded) return null;
    if (++this.values > this.limits.maxValues) {
      this.budgetExceeded = true;
      this.report(file, spanOf(node), { code: 4001, name: 'InputLimitError', path: formatPath(path), message: `the document expands to more than ${this.limits.maxValues.toLocaleString('en-US')} values (an alias bomb?)`, fix: 'remove the repeated aliases' });
      return null;
    }
    if (depth > this.limits.maxNesting) {
      this.report(file, spanOf(node), { code: 4001, name: 'InputLimitError', path: formatPath(path), message: `nesting deeper than ${this.limits.maxNesting} levels`, fix: 'flatten the structure' });
      this.budgetExceeded = true;
      return null;
    }
    const span = spanOf(node);
    this.sourceMap.record(path, { file, ...span }, key ? { file, ...key } : undefined);

    if (isAlias(node)) {
      const parsed = this.parsed.get(file);
      const target = parsed ? node.resolve(parsed.doc) : undefined;
      if (!target) {
        this.report(file, span, { code: 4001, name: 'YamlSyntaxError', path: formatPath(path), message: `alias *${node.source} has no anchor` });
        return null;
      }
      if (aliasStack.has(target)) {
        this.report(file, span, { code: 4001, name: 'YamlSyntaxError', path: formatPath(path), message: `alias *${node.source} refers to a node that contains it`, fix: 'a value cannot include itself' });
        return null;
      }
      const value = this.convert(target, file, path, includeStack, depth, new Set([...aliasStack, target]), key);
      this.sourceMap.record(path, { file, ...span }, key ? { file, ...key } : undefined);
      return value;
    }

    if (isScalar(node) && node.tag === '!include') return this.expandInclude(node, file, path, includeStack, depth, key);

    if (isMap(node)) {
      const out: Record<string, unknown> = {};
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const keyNode = pair.key;
        if (!isScalar(keyNode) || (typeof keyNode.value !== 'string' && typeof keyNode.value !== 'number' && typeof keyNode.value !== 'boolean')) {
          this.report(file, spanOf(keyNode), { code: 4001, name: 'YamlSyntaxError', path: formatPath(path), message: 'mapping keys must be plain strings', fix: 'quote the key' });
          continue;
        }
        const name = String(keyNode.value);
        if (name === '<<' && keyNode.type === Scalar.PLAIN) {
          this.mergeInto(out, pair.value, file, path, includeStack, depth, aliasStack);
          continue;
        }
        const keySpan = spanOf(keyNode);
        const value = this.convert(pair.value ?? null, file, [...path, name], includeStack, depth + 1, aliasStack, keySpan);
        // defineProperty keeps `__proto__` an ordinary key instead of changing the prototype.
        Object.defineProperty(out, name, { value, enumerable: true, writable: true, configurable: true });
      }
      return out;
    }

    if (isSeq(node)) {
      return node.items.map((item, index) => this.convert(item ?? null, file, [...path, index], includeStack, depth + 1, aliasStack));
    }

    if (isScalar(node)) return this.scalarValue(node, file, path, span);
    return null;
  }

  /** YAML merge keys (`<<: *defaults`): earlier explicit keys win, as in YAML 1.1 and Compose files. */
  private mergeInto(out: Record<string, unknown>, source: unknown, file: string, path: (string | number)[], includeStack: string[], depth: number, aliasStack: Set<YamlNode>): void {
    const sources = isSeq(source) ? source.items : [source];
    for (const item of sources) {
      const merged = this.convert(item, file, path, includeStack, depth + 1, aliasStack);
      if (merged === null || typeof merged !== 'object' || Array.isArray(merged)) {
        this.report(file, spanOf(item), { code: 4001, name: 'YamlSyntaxError', path: formatPath(path), message: 'a merge key (<<) takes a mapping or a list of mappings' });
        continue;
      }
      for (const [name, value] of Object.entries(merged)) {
        if (!Object.prototype.hasOwnProperty.call(out, name)) Object.defineProperty(out, name, { value, enumerable: true, writable: true, configurable: true });
      }
    }
  }

  private expandInclude(node: Scalar, file: string, path: (string | number)[], includeStack: string[], depth: number, key?: { start: number; end: number }): unknown {
    const resolution = this.resolutions.get(node);
    const span = this.includeSpan(file, node);
    if (!resolution || !resolution.ok) {
      const failure: { code: DockfileErrorCode; name?: ReadErrorName; message: string; fix?: string } = resolution ?? { code: 4001, message: 'include was not loaded' };
      this.report(file, span, { code: failure.code, ...(failure.code === 4001 ? { name: failure.name ?? 'IncludeError' } : {}), path: formatPath(path), message: failure.message, ...(failure.fix ? { fix: failure.fix } : {}) });
      return null;
    }
    if (includeStack.includes(resolution.file)) {
      const chain = [...includeStack.slice(includeStack.indexOf(resolution.file)), resolution.file].map((f) => this.display(f)).join(' → ');
      this.report(file, span, { code: 4009, path: formatPath(path), message: `include cycle: ${chain}`, fix: 'break the cycle: a file cannot include itself, directly or through others' });
      return null;
    }
    const included = this.parsed.get(resolution.file);
    if (!included) return null; // Its own diagnostics were reported when it was parsed.
    if (included.doc.errors.length) return null;
    const value = this.convert(included.doc.contents ?? null, resolution.file, path, [...includeStack, resolution.file], depth, new Set(), undefined);
    // Positions point at the `!include` line: that is what the user wrote in this file.
    this.sourceMap.record(path, { file, ...span }, key ? { file, ...key } : undefined);
    return value;
  }

  private scalarValue(node: Scalar, file: string, path: (string | number)[], span: { start: number; end: number }): unknown {
    const value = node.value;
    if (typeof value !== 'string') return value ?? null;
    const result = interpolate(value, this.options.variables);
    if (result.used.length || result.problems.length) this.interpolatedPaths.add(formatPath(path));
    for (const problem of result.problems) {
      const unresolved = problem.kind === 'unresolved';
      if (unresolved) this.unresolvedPaths.add(formatPath(path));
      const severity = unresolved && this.options.allowUnresolved ? 'warning' : 'error';
      this.report(file, span, {
        code: 4001,
        severity,
        ...(severity === 'warning' ? { rule: 'unresolved-variable' } : {}),
        path: formatPath(path),
        message: problem.message,
        fix: unresolved ? `set ${problem.variable} with --env ${problem.variable}=…, in the environment, or in the project's .env` : 'write ${NAME}, or $${ for a literal ${',
      });
    }
    // `port: ${PORT}` should still be a number once PORT is known, as in Compose files.
    if (result.whole && node.type === Scalar.PLAIN && !result.problems.length) return retypePlainScalar(result.value);
    return result.value;
  }

  /** The span of an `!include path` node including its tag, which YAML's range leaves out. */
  private includeSpan(file: string, node: Scalar): { start: number; end: number } {
    const span = spanOf(node);
    const text = this.texts.get(file) ?? '';
    const tag = text.lastIndexOf('!include', span.start);
    const sameLine = tag >= 0 && !text.slice(tag, span.start).includes('\n');
    return sameLine ? { start: tag, end: span.end } : span;
  }

  private report(file: string, span: { start: number; end: number }, d: DiagnosticDraft): void {
    this.diagnostics.push(placeDiagnostic(this.sourceMap.toRange({ file, ...span }), d));
  }

  private display(path: string): string {
    return relativePath(this.options.projectDir, path);
  }
}

function wholeFile(file: string): SourceRange {
  return { file, line: 1, column: 1, endLine: 1, endColumn: 1 };
}

function spanOf(node: unknown): { start: number; end: number } {
  const range = (node as { range?: [number, number, number] } | null)?.range;
  return range ? { start: range[0], end: range[1] } : { start: 0, end: 0 };
}

function* includeNodes(doc: Document.Parsed): Generator<YamlNode> {
  const stack: unknown[] = [doc.contents];
  while (stack.length) {
    const node = stack.pop();
    if (isScalar(node) && node.tag === '!include') yield node;
    else if (isMap(node)) for (const pair of node.items) stack.push(pair.key, pair.value);
    else if (isSeq(node)) stack.push(...node.items);
  }
}

/** Bracket depth of flow collections, found before parsing so the recursive parser never sees a bomb. */
function flowNestingDepth(text: string, limit: number): { exceeded: boolean; offset: number } {
  let depth = 0;
  let quote = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === quote) quote = '';
      else if (c === '\n' && quote === '#') quote = '';
      continue;
    }
    if (c === '#' && (i === 0 || /\s/.test(text[i - 1] ?? ''))) quote = '#';
    else if ((c === '"' || c === "'") && depth > 0) quote = c;
    else if (c === '[' || c === '{') {
      if (++depth > limit) return { exceeded: true, offset: i };
    } else if ((c === ']' || c === '}') && depth > 0) depth--;
  }
  return { exceeded: false, offset: 0 };
}

function retypePlainScalar(text: string): unknown {
  if (/^[-+]?[0-9]+$/.test(text)) return Number(text);
  if (/^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/.test(text)) return Number(text);
  if (text === 'true' || text === 'false') return text === 'true';
  if (text === 'null' || text === '~') return null;
  return text;
}

function yamlErrorMessage(code: string, message: string): { message: string; fix?: string } {
  const line = firstLine(message).replace(/ at line \d+, column \d+$/, '');
  switch (code) {
    case 'DUPLICATE_KEY':
      return { message: line, fix: 'remove one of the two entries' };
    case 'MULTIPLE_DOCS':
      return { message: 'the file holds more than one YAML document (---); a Dockfile is one document', fix: 'remove the extra ---' };
    case 'TAB_AS_INDENT':
      return { message: line, fix: 'indent with spaces' };
    default:
      return { message: `invalid YAML: ${line}` };
  }
}

function firstLine(text: string): string {
  return text.split('\n')[0] ?? text;
}

function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${bytes} B`;
}
