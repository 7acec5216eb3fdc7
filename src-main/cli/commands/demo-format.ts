/**
 * The demo's terminal lines, in the talk's format (seed 002 #4: `[14:23:45]` timestamps, the run's
 * agent id `lg-7a3f9c2d`, spend as `$5.29 / $50.00`). Pure: events in, lines out; colours go
 * through the terminal's `paint`, so a pipe gets plain text.
 */
import { DEMO_INCIDENT_MARK } from '../../../src-shared/ipc/demo-marks';
import type { DemoEvent, DemoIncidentKind, DemoSummary } from '../../../src-shared/ipc/demo-types';
import { formatUsd } from '../../../src-shared/pricing/format-usd';
import { formatClock } from '../../../src-shared/util/format-clock';
import { paint } from '../terminal';
import type { Terminal } from '../terminal';

const STYLE: Record<DemoIncidentKind, 'yellow' | 'red' | 'green' | 'cyan'> = {
  rate_limited: 'yellow',
  breaker_open: 'red',
  breaker_recovered: 'green',
  key_rotated: 'cyan',
  pii_redacted: 'yellow',
  budget_warning: 'yellow',
  agent_restarted: 'red',
};


/** The lines one event prints (none for some). */
export function demoLines(event: DemoEvent, terminal: Terminal, at: Date = new Date()): string[] {
  const stamp = paint(terminal, 'dim', formatClock(at.toISOString()));
  switch (event.kind) {
    case 'step':
      return [`${stamp} ${event.message}`];
    case 'started':
      return [
        `${stamp} ${paint(terminal, 'bold', `agent_id: ${event.runId}`)}  ${event.agent} ${event.version} on the process target (${event.variant === 'python' ? 'Python' : 'LangGraph.js'})  budget ${formatUsd(event.budgetUsd)}  model: simulated, offline`,
        `${stamp} processing ${event.leads} leads at ${event.pace === 'fast' ? 'full speed' : 'presentation pace'}; the console's control panel shows the same run live`,
      ];
    case 'lead': {
      const { lead } = event;
      const verdict =
        lead.status === 'failed'
          ? paint(terminal, 'red', `✗ failed: ${lead.error ?? 'no answer'}`)
          : lead.status === 'qualified'
            ? paint(terminal, 'green', `✓ qualified (${lead.score ?? '?'})`)
            : `· not a fit (${lead.score ?? '?'})`;
      // LinkedIn's tier is the story of the breaker; the other tools' caches are routine.
      const linkedin = lead.sources.linkedin && lead.sources.linkedin !== 'primary' ? paint(terminal, 'yellow', ` [linkedin via ${lead.sources.linkedin}]`) : '';
      const resent = lead.attempts > 1 ? paint(terminal, 'yellow', ` (sent ${lead.attempts}×)`) : '';
      return [`${stamp} ${String(lead.index).padStart(3)} / ${lead.total} leads  ${lead.name}, ${lead.company}  ${verdict}${linkedin}${resent}  ${formatUsd(lead.spentUsd)} / ${formatUsd(lead.budgetUsd)}`];
    }
    case 'incident': {
      const kind = event.incident.kind;
      return [`${stamp} ${paint(terminal, STYLE[kind], `${DEMO_INCIDENT_MARK[kind]} lead #${event.incident.lead}: ${event.incident.message}`)}`];
    }
    case 'summary':
      return summaryLines(event.summary, terminal, stamp);
    case 'paused':
      return [`${stamp} ${paint(terminal, 'bold', `‖ paused after lead #${event.afterLead}${event.reason === 'incident' ? ' to look at the incident' : ''}: press Enter to go on`)}`];
    case 'resumed':
      return [];
  }
}

function summaryLines(summary: DemoSummary, terminal: Terminal, stamp: string): string[] {
  const rate = `${Math.round(summary.successRate * 100)}% (${summary.succeeded}/${summary.processed})`;
  const linkedin = summary.sources.linkedin ?? {};
  const viaFallback = Object.entries(linkedin).reduce((sum, [tier, count]) => (tier === 'primary' ? sum : sum + count), 0);
  const models = summary.costByModel.map((entry) => `${entry.model} ${formatUsd(entry.costUsd)} (${entry.calls} calls)`).join(', ');
  return [
    `${stamp} ${paint(terminal, 'bold', `Demo complete — ${summary.runId}`)}`,
    `  leads processed   ${summary.processed} / ${summary.leads}, ${summary.qualified} qualified`,
    `  success rate      ${rate}${viaFallback ? `, ${viaFallback} via fallback` : ''}${summary.restarts ? `, ${summary.restarts} agent restart(s) recovered` : ''}`,
    `  throughput        ${summary.leadsPerHour.toLocaleString('en-US')} leads/hour`,
    `  latency           P50 ${seconds(summary.latencyMs.p50)}  P95 ${seconds(summary.latencyMs.p95)}  P99 ${seconds(summary.latencyMs.p99)}`,
    `  cost              ${formatUsd(summary.spentUsd)} / ${formatUsd(summary.budgetUsd)} (${((summary.spentUsd / summary.budgetUsd) * 100).toFixed(1)}% used), ${formatUsd(summary.averagePerLeadUsd)} avg/lead`,
    `  cost by model     ${models || 'none'}`,
    `  saved             ${formatUsd(summary.savings.totalUsd)}: ${summary.savings.blockedCalls} LinkedIn calls blocked by the open circuit (${formatUsd(summary.savings.blockedUsd)}), ${summary.savings.cacheHits} company lookups from cache (${formatUsd(summary.savings.cacheUsd)}), ${summary.savings.cachedPromptTokens.toLocaleString('en-US')} prompt tokens cached (${formatUsd(summary.savings.promptCacheUsd)})`,
    `  incidents         ${summary.incidents.map((incident) => `${incident.kind} #${incident.lead}`).join(', ') || 'none'}`,
  ];
}

function seconds(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(1)}s` : `${ms}ms`;
}
