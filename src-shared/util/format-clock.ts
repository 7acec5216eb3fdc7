/** `[HH:MM:SS]` in local time: the event log's and the demo terminal's timestamp (seed 002 #4, #23). */
export function formatClock(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '[--:--:--]';
  const pad = (value: number): string => String(value).padStart(2, '0');
  return `[${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}]`;
}
