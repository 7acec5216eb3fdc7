/**
 * The Dockfile as a YAML document the editor can rewrite: parsed exactly as the validator parses it
 * (src-shared/dockfile/yaml-loader.ts), and written back with the one set of output options that
 * Format and the form share, so both keep comments, key order and unknown fields.
 */
import { parseDocument } from 'yaml';
import type { Document, ToStringOptions } from 'yaml';
import { DOCKFILE_YAML_PARSE_OPTIONS } from '../../../../src-shared/dockfile/yaml-loader';

/** How a Dockfile is written back: two-space indent, and no folding of long lines (lineWidth 0). */
export const DOCKFILE_YAML_OUTPUT: ToStringOptions = { indent: 2, lineWidth: 0 };

/** A parsed buffer, or why it cannot be rewritten: the first syntax error with its line and column. */
export type ParsedDockfile = { ok: true; doc: Document.Parsed } | { ok: false; problem: string };

/** 1-based line and column of a character offset. */
export function lineColumnAt(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, Math.max(0, Math.min(offset, text.length)));
  const lastBreak = before.lastIndexOf('\n');
  return { line: before.split('\n').length, column: before.length - lastBreak };
}

/** Parses an editor buffer; a document with syntax errors is refused (rewriting it would lose text). */
export function parseDockfileYaml(text: string): ParsedDockfile {
  let doc: Document.Parsed;
  try {
    doc = parseDocument(text, DOCKFILE_YAML_PARSE_OPTIONS);
  } catch (error) {
    // The parser is recursive: a pathological buffer can exhaust the stack.
    return { ok: false, problem: error instanceof RangeError ? 'the YAML is too deeply nested to parse' : `the YAML parser failed: ${String(error)}` };
  }
  const [first] = doc.errors;
  if (first) {
    const { line, column } = lineColumnAt(text, first.pos[0]);
    const more = doc.errors.length > 1 ? ` (and ${doc.errors.length - 1} more)` : '';
    return { ok: false, problem: `YAML syntax error at line ${line}, column ${column}: ${first.message.split('\n')[0]}${more}` };
  }
  return { ok: true, doc };
}
