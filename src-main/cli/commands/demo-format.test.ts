import { describe, expect, it } from 'vitest';
import type { DemoEvent, DemoSummary } from '../../../src-shared/ipc/demo-types';
import { formatClock } from '../../../src-shared/util/format-clock';
import { demoLines } from './demo-format';

const plain = { out: () => undefined, err: () => undefined, color: false };
const at = new Date(2026, 10, 21, 14, 23, 45);

describe('demo lines in the talk format', () => {
  it('stamps every line [hh:mm:ss] and shows spend as $spent / $budget', () => {
    expect(formatClock(new Date(2026, 0, 1, 9, 5, 7).toISOString())).toBe('[09:05:07]');
    const lead: DemoEvent = {
      kind: 'lead',
      lead: { index: 34, total: 100, leadId: 'lead-034', name: 'Clara Osei', company: 'Lumenwater Analytics', status: 'qualified', score: 80, sources: { linkedin: 'cache', clearbit: 'cache' }, latencyMs: 40, costUsd: 0.75, spentUsd: 18.85, budgetUsd: 50, attempts: 2 },
    };
    expect(demoLines(lead, plain, at)).toEqual(['[14:23:45]  34 / 100 leads  Clara Osei, Lumenwater Analytics  ✓ qualified (80) [linkedin via cache] (sent 2×)  $18.85 / $50.00']);
    const started: DemoEvent = { kind: 'started', agent: 'lead-gen-demo', runId: 'lg-7a3f9c2d', version: 'v1', deploymentId: 'dep_1', endpoint: 'http://127.0.0.1:1', budgetUsd: 50, leads: 100, pace: 'fast', variant: 'javascript' };
    expect(demoLines(started, plain, at)[0]).toMatch(/^\[14:23:45\] agent_id: lg-7a3f9c2d {2}lead-gen-demo v1 .* budget \$50\.00/);
    expect(demoLines({ kind: 'incident', incident: { kind: 'budget_warning', lead: 85, message: 'budget 90% reached ($45.25 / $50.00)' } }, plain, at)).toEqual(['[14:23:45] $ lead #85: budget 90% reached ($45.25 / $50.00)']);
    // --pause: the presenter is told how to go on; going on prints nothing.
    expect(demoLines({ kind: 'paused', afterLead: 34, reason: 'incident' }, plain, at)).toEqual(['[14:23:45] ‖ paused after lead #34 to look at the incident: press Enter to go on']);
    expect(demoLines({ kind: 'resumed', afterLead: 34, pausedMs: 5000 }, plain, at)).toEqual([]);
  });

  it('closes with the summary: success rate as 100% (n/n), leads/hour, percentiles, cost by model, savings', () => {
    const summary: DemoSummary = {
      agent: 'lead-gen-demo', runId: 'lg-7a3f9c2d', version: 'v1', deploymentId: 'dep_1', leads: 100, processed: 100, succeeded: 100, qualified: 68, failed: 0, successRate: 1,
      durationMs: 1_700_000, leadsPerHour: 212, latencyMs: { p50: 900, p95: 2100, p99: 2900 }, spentUsd: 47.5, budgetUsd: 50, averagePerLeadUsd: 0.48,
      costByModel: [{ model: 'o1', calls: 68, costUsd: 47.49 }, { model: 'gpt-4o-mini', calls: 100, costUsd: 0.01 }],
      sources: { linkedin: { primary: 73, cache: 27 } },
      savings: { blockedCalls: 18, blockedUsd: 1.8, cacheHits: 64, cacheUsd: 3.2, cachedPromptTokens: 68_608, promptCacheUsd: 0.51, totalUsd: 5.51 },
      incidents: [{ kind: 'pii_redacted', lead: 67, message: '' }], restarts: 1,
    };
    const text = demoLines({ kind: 'summary', summary }, plain, at).join('\n');
    expect(text).toContain('success rate      100% (100/100), 27 via fallback, 1 agent restart(s) recovered');
    expect(text).toContain('throughput        212 leads/hour');
    expect(text).toContain('P50 900ms  P95 2.1s  P99 2.9s');
    expect(text).toContain('$47.50 / $50.00 (95.0% used), $0.48 avg/lead');
    expect(text).toContain('o1 $47.49 (68 calls), gpt-4o-mini $0.01 (100 calls)');
    expect(text).toContain('saved             $5.51: 18 LinkedIn calls blocked');
    expect(text).toContain('incidents         pii_redacted #67');
  });
});
