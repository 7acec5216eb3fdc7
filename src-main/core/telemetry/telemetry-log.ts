/**
 * Where telemetry ingest reports problems (a refused token, malformed events, lost events). The
 * app routes it to its log; the default writes one JSON line to stderr, so CLI stdout stays the
 * command's output. Entries never carry a token or event data.
 */

export interface TelemetryLogEntry {
  level: 'info' | 'warn' | 'error';
  message: string;
  [field: string]: unknown;
}

export type TelemetryLog = (entry: TelemetryLogEntry) => void;

/** JSON lines on stderr, warnings and errors only. */
export const stderrTelemetryLog: TelemetryLog = (entry) => {
  if (entry.level === 'info') return;
  process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), component: 'telemetry', ...entry })}\n`);
};
