/** Format: the Dockfile re-emitted by the `yaml` package, comments kept; refused while the YAML does not parse. */
import { DOCKFILE_YAML_OUTPUT, parseDockfileYaml } from './dockfile-yaml';

export type FormatResult = { ok: true; text: string; changed: boolean } | { ok: false; reason: string };

/** The formatted buffer, or why it cannot be formatted (the first syntax error, with line and column). */
export function formatDockfile(text: string): FormatResult {
  const parsed = parseDockfileYaml(text);
  if (!parsed.ok) return { ok: false, reason: `Cannot format: ${parsed.problem}. Fix the syntax first.` };
  const formatted = parsed.doc.toString(DOCKFILE_YAML_OUTPUT);
  return { ok: true, text: formatted, changed: formatted !== text };
}
