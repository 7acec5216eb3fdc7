/** Whether two fleet rows differ in anything the table shows: main diffs with it, the renderer skips no-op patches. */
import type { AgentRow } from './console-types';

export function sameRow(a: AgentRow, b: AgentRow): boolean {
  return (Object.keys(a) as (keyof AgentRow)[]).every((key) => a[key] === b[key]);
}
