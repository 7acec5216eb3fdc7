import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { TelemetryService } from '../../core/telemetry/telemetry-service';
import type { SyncReport } from '../../core/telemetry/telemetry-service';
import type { TelemetryLogEntry } from '../../core/telemetry/telemetry-log';
import { parseCommandArguments } from '../arguments';
import { withControlPlane } from '../control-plane-session';
import { EXIT, UsageError } from '../terminal';
import type { Terminal } from '../terminal';
import { agentRow, seriesRow, toCsv } from './metrics-format';
import type { MetricsRow } from './metrics-format';

export const metricsHelp = `Usage: agentdock metrics export [agent] [--since 1h|24h|7d|<ISO>] [--until <ISO>]
                                [--granularity minute|hour] [--format csv|json] [--json]
                                [--out <file>] [--no-sync] [--sync-timeout <seconds>]

Exports telemetry per agent over a window: requests, throughput, error rate, p50/p95/p99 latency,
tokens, spend, cost per request and per 1k tokens, budget (spend/limit from the runtimes' gauges,
else the limit from the deployment's settings) and the spend projected over the calendar month.
With an agent name, also one row per minute or hour (scope column).

First catches up: connects to every running replica, stores the events it still buffers since the
last stored one and reads its /metrics (up to --sync-timeout, default 5 s). --no-sync exports only
what is stored (budget: the configured limit only).

  --since        window start: a duration back from --until (30m, 1h, 24h, 7d) or an ISO time (default 1h)
  --until        window end, ISO (default now)
  --granularity  series rows per minute or hour (default: minute up to 24 h, else hour)
  --format       csv (header row, RFC 4180 quoting; default) or json; --json is --format json
  --out          write to this file instead of stdout

Exit codes: 0 exported, 1 no such agent or the file could not be written, 2 usage error.`;

interface ExportOptions {
  agent: string | undefined;
  from: string;
  to: string;
  granularity: 'minute' | 'hour';
  format: 'csv' | 'json';
  out: string | undefined;
  sync: boolean;
  syncTimeoutMs: number;
}

/** `agentdock metrics`. */
export async function runMetrics(argv: string[], terminal: Terminal): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === undefined || sub === '-h' || sub === '--help' || sub === 'help') {
    terminal.out(metricsHelp);
    return sub === undefined ? EXIT.usage : EXIT.ok;
  }
  if (sub !== 'export') throw new UsageError(`unknown subcommand ${JSON.stringify(sub)}; try agentdock metrics export`, 'metrics');
  const { values, positionals } = parseCommandArguments(
    'metrics',
    rest,
    {
      since: { type: 'string' },
      until: { type: 'string' },
      granularity: { type: 'string' },
      format: { type: 'string' },
      json: { type: 'boolean' },
      out: { type: 'string' },
      'no-sync': { type: 'boolean' },
      'sync-timeout': { type: 'string' },
    },
    1,
  );
  if (values.help) return (terminal.out(metricsHelp), EXIT.ok);
  const options = exportOptions(values, positionals[0], Date.now());
  const json = options.format === 'json';
  return withControlPlane('metrics', terminal, json && !options.out, async (plane) => {
    const agent = options.agent === undefined ? undefined : plane.repositories.agents.require(options.agent);
    let sync: SyncReport | undefined;
    const warnings = new Set<string>();
    const telemetry = new TelemetryService({
      repositories: plane.repositories,
      targets: plane.targets,
      dataDir: plane.dataDir,
      log: (entry: TelemetryLogEntry) => {
        if (entry.level !== 'info') warnings.add(entry.message.replace(/^telemetry: /, ''));
      },
    });
    try {
      if (options.sync) sync = await telemetry.sync({ timeoutMs: options.syncTimeoutMs });
      else await telemetry.readSettings();
      const window = { from: options.from, to: options.to };
      const agents = telemetry.metrics(window, agent ? { agentIds: [agent.id] } : {});
      const points = agent ? plane.repositories.telemetry.seriesBy(agent.id, window, options.granularity) : [];
      for (const warning of warnings) terminal.err(`agentdock metrics: warning: ${warning}`);
      const rows: MetricsRow[] = [...agents.map(agentRow), ...(agent ? points.map((point) => seriesRow(agent.name, options.granularity, point)) : [])];
      const body = json
        ? `${JSON.stringify({ ok: true, from: window.from, to: window.to, granularity: options.granularity, sync: sync ?? null, agents, ...(agent ? { series: points } : {}) }, null, 2)}\n`
        : toCsv(rows);
      if (options.out) {
        try {
          await writeFile(options.out, body);
        } catch (error) {
          terminal.err(`agentdock metrics: cannot write ${options.out}: ${error instanceof Error ? error.message : String(error)}`);
          return EXIT.failed;
        }
        terminal.err(`Wrote ${rows.length} row(s) to ${path.resolve(options.out)}`);
      } else {
        terminal.out(body.replace(/\n$/, ''));
      }
      return EXIT.ok;
    } finally {
      await telemetry.close();
    }
  });
}

/** Validates the flags into an export request (usage errors exit 2). */
export function exportOptions(values: Record<string, string | boolean | undefined>, agent: string | undefined, now: number): ExportOptions {
  const format = values.json ? 'json' : (values.format ?? 'csv');
  if (format !== 'csv' && format !== 'json') throw new UsageError(`--format must be csv or json, not ${JSON.stringify(format)}`, 'metrics');
  const until = typeof values.until === 'string' ? parseIso(values.until, '--until') : now;
  const since = typeof values.since === 'string' ? values.since : '1h';
  const duration = /^(\d+)(m|h|d)$/.exec(since);
  const from = duration ? until - Number(duration[1]) * { m: 60_000, h: 3_600_000, d: 86_400_000 }[duration[2] as 'm' | 'h' | 'd'] : parseIso(since, '--since');
  if (!(from < until)) throw new UsageError(`the window is empty: --since must be before --until`, 'metrics');
  const granularity = values.granularity ?? (until - from <= 86_400_000 ? 'minute' : 'hour');
  if (granularity !== 'minute' && granularity !== 'hour') throw new UsageError(`--granularity must be minute or hour, not ${JSON.stringify(granularity)}`, 'metrics');
  let syncTimeoutMs = 5000;
  if (typeof values['sync-timeout'] === 'string') {
    const seconds = Number(values['sync-timeout']);
    if (!(seconds > 0 && seconds <= 600)) throw new UsageError('--sync-timeout must be a number of seconds between 0 and 600', 'metrics');
    syncTimeoutMs = seconds * 1000;
  }
  return {
    agent,
    from: new Date(from).toISOString(),
    to: new Date(until).toISOString(),
    granularity,
    format,
    out: typeof values.out === 'string' ? values.out : undefined,
    sync: !values['no-sync'],
    syncTimeoutMs,
  };
}

function parseIso(text: string, flag: string): number {
  const ms = /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(text) ? Date.parse(text) : NaN;
  if (Number.isNaN(ms)) throw new UsageError(`${flag} expects a duration (30m, 1h, 24h, 7d) or an ISO time such as 2025-01-17T10:00:00Z, not ${JSON.stringify(text)}`, 'metrics');
  return ms;
}
