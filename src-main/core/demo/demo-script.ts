/**
 * The offline demo's script: what happens at which lead, the same every run (seed 002 #18, "Demo
 * runs deterministically, triggers fire at expected leads"). The world (demo-world.ts) and the
 * driver (demo-run.ts) read it; tests check the run against it.
 *
 * Time: leads arrive on a batch clock, one every `leadSpacingMs` (100 leads ≈ the talk's 33
 * minutes), whatever the pace the run is shown at. The agent's circuit breakers measure their
 * 60 s cooldown on that clock, so the LinkedIn breaker opens, probes and recovers at the same leads
 * in a two-second run and in a presentation.
 */

export interface DemoLead {
  /** 1-based position in the list. */
  index: number;
  id: string;
  name: string;
  title: string;
  company: string;
  domain: string;
  industry: string;
  country: string;
  employees: number;
  linkedin: string;
}

export const DEMO_SCRIPT = {
  agentName: 'lead-gen-demo',
  pythonAgentName: 'lead-gen-demo-py',
  budgetUsd: 50,
  leadSpacingMs: 20_000,
  /** LinkedIn answers 429 from this lead on… */
  rateLimitFromLead: 34,
  /** …until (not including) this one. */
  rateLimitUntilLead: 61,
  /** Before this lead the OpenAI key is rotated in the vault; the old key is revoked once the new one is seen. */
  keyRotationLead: 50,
  /** This lead's outreach e-mail, as the model writes it, contains an e-mail address. */
  piiLead: 67,
  /** Spend crosses 90 % of the budget on this lead. */
  budgetWarningLead: 85,
  warnRatio: 0.9,
  /** Planned LLM spend when the budget warning fires, and at the end (below the limit: no manual step needed). */
  spendAtWarningUsd: 45.25,
  spendAtEndUsd: 47.5,
} as const;

/** When `lead` arrives on the batch clock, ms. */
export function leadArrivalMs(lead: Pick<DemoLead, 'index'>): number {
  return lead.index * DEMO_SCRIPT.leadSpacingMs;
}

/** Whether LinkedIn rate-limits the lookups of `lead`. */
export function linkedinRateLimited(lead: Pick<DemoLead, 'index'>): boolean {
  return lead.index >= DEMO_SCRIPT.rateLimitFromLead && lead.index < DEMO_SCRIPT.rateLimitUntilLead;
}

/** Industries and titles the playbook's scoring reference rewards (resources/demo/lead-gen/src/playbook.md). */
const IDEAL_INDUSTRIES = new Set(['B2B software', 'Logistics', 'Financial services', 'Healthcare']);
const BUYER_TITLE = /VP Engineering|CTO|Chief Operating Officer|Founder/;
const NO_PATH_TITLE = /Marketing|Partnerships|Procurement/;

/** The qualification score the simulated model gives, by the playbook's scoring reference. */
export function leadScore(lead: DemoLead): number {
  let score = 50;
  if (IDEAL_INDUSTRIES.has(lead.industry)) score += 20;
  if (lead.employees >= 150 && lead.employees <= 5000) score += 15;
  if (BUYER_TITLE.test(lead.title)) score += 15;
  if (lead.employees < 40) score -= 30;
  if (NO_PATH_TITLE.test(lead.title)) score -= 20;
  return Math.max(0, Math.min(100, score));
}

/** The agent's threshold (agent.mjs QUALIFYING_SCORE). */
export const QUALIFYING_SCORE = 60;
