// The agent's two tools, LinkedIn and Clearbit, each behind the AgentDock runtime's circuit
// breaker. They are LangChain tools, so the runtime sees every call before it runs (the Dockfile's
// tool allow-list) and shows it in the event log.
//
// LinkedIn: a rate-limited API (429) is retried inside the breaker (5 attempts, honouring
// Retry-After); 5 consecutive failures open the circuit, and then last night's profile snapshot
// (data/linkedin-cache.json) answers without calling LinkedIn at all, until a trial call after the
// cooldown finds it healthy again. Without a snapshot entry, a placeholder built from the lead
// row keeps the lead moving.
// Clearbit: companies repeat across leads, so answers are kept for the replica's lifetime (a
// read-through cache) and the breaker guards the misses.
import { readFileSync } from 'node:fs';
import { tool } from '@langchain/core/tools';
import { breakerRegistry } from '@agentdock/sdk';
import { leadClock } from './lead-clock.mjs';

/** Per-call list prices of the two data providers (what a blocked or cached call saves). */
const LINKEDIN_CALL_USD = 0.1;
const CLEARBIT_CALL_USD = 0.05;

const linkedin = breakerRegistry.get('linkedin', {
  failureThreshold: 5,
  cooldownMs: 60_000,
  retry: { attempts: 5 },
  costPerCallUsd: LINKEDIN_CALL_USD,
  clock: leadClock.now,
});
const clearbit = breakerRegistry.get('clearbit', { failureThreshold: 5, cooldownMs: 60_000, costPerCallUsd: CLEARBIT_CALL_USD, clock: leadClock.now });

const snapshot = JSON.parse(readFileSync(new URL('../data/linkedin-cache.json', import.meta.url), 'utf8'));
const companies = new Map();

/** GET a JSON resource; a failure carries the HTTP status and Retry-After for the breaker's retry. */
async function getJson(baseUrl, resource, apiKey) {
  const response = await fetch(new URL(resource, baseUrl), { headers: { authorization: `Bearer ${apiKey}`, accept: 'application/json' }, signal: AbortSignal.timeout(10_000) });
  if (!response.ok) {
    const error = new Error(`${new URL(resource, baseUrl).host} answered HTTP ${response.status} for ${resource}`);
    error.status = response.status;
    const retryAfterMs = Number(response.headers.get('retry-after-ms') ?? Number(response.headers.get('retry-after') ?? Number.NaN) * 1000);
    if (Number.isFinite(retryAfterMs)) error.retryAfterMs = retryAfterMs;
    throw error;
  }
  return response.json();
}

function env(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: add it to the agent's secrets (agentdock secret set ${name} …)`);
  return value;
}

export const linkedinProfile = tool(
  async ({ handle, name, title, company }) => {
    const { value, tier, attempts } = await linkedin.call(
      () => getJson(env('LINKEDIN_API_URL'), `/v2/people/${encodeURIComponent(handle)}`, env('LINKEDIN_API_KEY')),
      {
        tier: 'cache',
        run: () => {
          const cached = snapshot.profiles[handle];
          if (!cached) throw new Error(`${handle} is not in the snapshot`);
          return cached;
        },
      },
      { tier: 'placeholder', run: () => ({ handle, name, headline: `${title} at ${company}`, experience: [], activity: [] }) },
    );
    return { profile: value, source: tier, attempts };
  },
  {
    name: 'linkedin_profile',
    description: "A person's LinkedIn profile: headline, experience and recent activity.",
    schema: { type: 'object', properties: { handle: { type: 'string' }, name: { type: 'string' }, title: { type: 'string' }, company: { type: 'string' } }, required: ['handle'] },
  },
);

export const clearbitCompany = tool(
  async ({ domain }) => {
    const cached = companies.get(domain);
    if (cached) return { company: cached, source: 'cache' };
    const { value, tier } = await clearbit.call(() => getJson(env('CLEARBIT_API_URL'), `/v2/companies/find?domain=${encodeURIComponent(domain)}`, env('CLEARBIT_API_KEY')), {
      tier: 'placeholder',
      run: () => ({ domain, name: domain, metrics: {} }),
    });
    if (tier === 'primary') companies.set(domain, value);
    return { company: value, source: tier };
  },
  {
    name: 'clearbit_company',
    description: 'Company facts by domain: size, industry, funding, tech stack.',
    schema: { type: 'object', properties: { domain: { type: 'string' } }, required: ['domain'] },
  },
);
