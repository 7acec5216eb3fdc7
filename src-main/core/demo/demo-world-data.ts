/**
 * What the demo world's services answer: LinkedIn profiles, Clearbit company records, the
 * model's qualification verdicts and research briefs. Made up, deterministic from the lead and the
 * seed, and plausible enough to read on a stage. No real person or company: the leads come from
 * resources/demo/leads.json (synthetic, `.example` domains).
 */
import { countSimulatedTokens, generateText, seededRandom } from '../../runtime/llm/simulated-text';
import { DEMO_SCRIPT, QUALIFYING_SCORE } from './demo-script';
import type { DemoLead } from './demo-script';

const TOPICS = ['an incident review', 'moving to Kubernetes', 'hiring site reliability engineers', 'cloud cost', 'a SOC 2 audit', 'opening a new region', 'on-call health', 'a data platform migration'];
const PREVIOUS = ['Staff Engineer', 'Engineering Manager', 'Director of Sales', 'Head of Operations', 'Product Lead', 'Solutions Architect'];
const STACKS = [['Kubernetes', 'PostgreSQL', 'Kafka'], ['AWS Lambda', 'DynamoDB'], ['GCP', 'BigQuery', 'Terraform'], ['Azure', 'SQL Server'], ['Kubernetes', 'Go', 'Redis']];

function pick<T>(list: readonly T[], random: () => number): T {
  return list[Math.floor(random() * list.length)]!;
}

/** LinkedIn's profile of the lead's person. */
export function profileOf(lead: DemoLead, seed: number): Record<string, unknown> {
  const random = seededRandom(seed * 31 + lead.index);
  const tenureMonths = 3 + Math.floor(random() * 70);
  return {
    handle: lead.linkedin,
    name: lead.name,
    headline: `${lead.title} at ${lead.company}`,
    location: lead.country,
    experience: [
      { title: lead.title, company: lead.company, months: tenureMonths },
      { title: pick(PREVIOUS, random), company: 'a previous employer', months: 18 + Math.floor(random() * 40) },
    ],
    activity: [0, 1].map((days) => ({ daysAgo: 2 + days * 9 + Math.floor(random() * 5), about: pick(TOPICS, random) })),
  };
}

/** Clearbit's record of the lead's company. */
export function companyOf(lead: DemoLead, seed: number): Record<string, unknown> {
  const random = seededRandom(seed * 17 + lead.domain.length * 1009 + lead.employees);
  return {
    domain: lead.domain,
    name: lead.company,
    category: { industry: lead.industry },
    geo: { country: lead.country },
    metrics: { employees: lead.employees, raised: Math.round(random() * 80) * 1_000_000 },
    foundedYear: 1995 + Math.floor(random() * 28),
    tech: pick(STACKS, random),
  };
}

/** The one line the qualification model gives with its score. */
export function qualificationReason(lead: DemoLead, score: number): string {
  if (score >= QUALIFYING_SCORE) return `${lead.title} at a ${lead.employees}-person ${lead.industry.toLowerCase()} company: fits the profile.`;
  return lead.employees < 40 ? `${lead.company} is too small (${lead.employees} people).` : `${lead.title} has no path to the buyer.`;
}

/**
 * A research brief of exactly `tokens` tokens (by the simulator's tokenizer): headed sections of
 * generated prose, then `EMAIL:` and the outreach e-mail. The script's PII lead gets an e-mail that
 * quotes an address, which the runtime must redact.
 */
export function researchBrief(lead: DemoLead, tokens: number, random: () => number): string {
  const first = lead.name.split(' ')[0] ?? lead.name;
  const contact = lead.index === DEMO_SCRIPT.piiLead ? `\n\nIf it is easier, my colleague can loop in ${first} directly at ${lead.name.toLowerCase().replace(/\s+/g, '.')}@${lead.domain}.` : '';
  const email = `\nEMAIL:\nSubject: ${lead.company} and on-call load\n\nHi ${first},\n\nTeams like yours cut time to resolution by a third in their first quarter with one timeline from alert to root cause.${contact}\n\nWould a 20-minute look at your current alert flow be useful?`;
  const head = `Account: ${lead.company} (${lead.industry}, ${lead.employees} people).\nPerson: ${lead.title}.\nNotes: `;
  const fixed = countSimulatedTokens(head) + countSimulatedTokens(email);
  return `${head}${generateText(Math.max(2, tokens - fixed), random)}${email}`;
}
