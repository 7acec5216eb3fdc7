/**
 * The outside world of the offline demo, on loopback: an OpenAI-compatible model service (the
 * runtime's simulated provider, scripted), a LinkedIn API and a Clearbit API. Every answer is
 * made up and deterministic; nothing here reaches a network.
 *
 * The world carries the script's incidents (demo-script.ts) the way the real services would:
 * - LinkedIn answers 429 with Retry-After for the leads of the rate-limit window;
 * - the model service accepts only the OpenAI keys it issued and has not revoked, so the key
 *   rotation at lead #50 is proven by the old key stopping to work, not by trusting the agent;
 * - lead #67's outreach e-mail, as the model writes it, carries an e-mail address;
 * - the research briefs are as long as the spend plan needs, so spend crosses 90 % of the budget
 *   at lead #85 and stays under the limit at the end. The plan is a target for the cumulative
 *   spend of the qualified leads; each brief is priced against what the world has already served
 *   (with the same price table the runtime meters with), so a retried lead does not move the
 *   incident.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import { costUsd, priceFor } from '../../../src-shared/pricing/price-table';
import { closeServer, listenOnLoopback } from '../loopback-server';
import { startSimulatedProvider } from '../../runtime/llm/simulated-provider';
import type { SimulatedProvider, SimulatedReply, SimulatedRequest } from '../../runtime/llm/simulated-provider';
import { seededRandom } from '../../runtime/llm/simulated-text';
import { companyOf, profileOf, qualificationReason, researchBrief } from './demo-world-data';
import { DEMO_SCRIPT, leadScore, linkedinRateLimited, QUALIFYING_SCORE } from './demo-script';
import type { DemoLead } from './demo-script';

export interface DemoWorldStats {
  /** `rateLimitedLeads`: distinct people whose lookup got a 429 (the calls the breaker did not stop). */
  linkedin: { rateLimitedLeads: number };
  model: {
    servedUsd: number;
    /** Answered calls by model: count, cost, prompt tokens served from the cache and what that discount saved. */
    byModel: Record<string, { calls: number; costUsd: number; cachedTokens: number; cacheSavedUsd: number }>;
  };
}

export interface DemoWorld {
  openaiBaseUrl: string;
  linkedinUrl: string;
  clearbitUrl: string;
  linkedinKey: string;
  clearbitKey: string;
  /** The OpenAI key in use (the newest one issued). */
  openaiKey(): string;
  /** Issues a new OpenAI key; the old one keeps working until `revokePreviousKeys`. */
  issueOpenAiKey(): string;
  /** Revokes every OpenAI key but the newest. */
  revokePreviousKeys(): void;
  /** LinkedIn's profile of a lead (what the live API serves; the agent's snapshot holds the same). */
  profileOf(lead: DemoLead): Record<string, unknown>;
  stats(): DemoWorldStats;
  close(): Promise<void>;
}

const LEAD_ID = /\blead-(\d{3})\b/;

/** Starts the three services on 127.0.0.1 (random ports) for `leads`. */
export async function startDemoWorld(leads: readonly DemoLead[], options: { seed?: number } = {}): Promise<DemoWorld> {
  const seed = options.seed ?? 2026;
  const byHandle = new Map(leads.map((lead) => [lead.linkedin, lead]));
  const byDomain = new Map(leads.map((lead) => [lead.domain, lead]));
  const byIndex = new Map(leads.map((lead) => [lead.index, lead]));
  const linkedinKey = `li_demo_${randomBytes(12).toString('hex')}`;
  const clearbitKey = `cb_demo_${randomBytes(12).toString('hex')}`;
  const openaiKeys = [`sk-demo-${randomBytes(16).toString('hex')}`];
  const served: DemoWorldStats['model'] = { servedUsd: 0, byModel: {} };
  const rateLimitedHandles = new Set<string>();
  const plan = spendPlan(leads);
  // Bound once the model service exists (it is what the meter reads).
  let meter: (beforeRequest?: number) => void = () => undefined;

  const reply = (request: SimulatedRequest): SimulatedReply | undefined => {
    const lead = leadOf(request.body);
    if (!lead) return undefined;
    if (request.model.startsWith('gpt-4o-mini')) {
      const score = leadScore(lead);
      return { text: JSON.stringify({ score, qualified: score >= QUALIFYING_SCORE, reason: qualificationReason(lead, score) }) };
    }
    meter(request.number);
    const target = plan.get(lead.index) ?? 0;
    const price = priceFor(request.model);
    const inputUsd = price ? costUsd({ inputTokens: request.inputTokens, outputTokens: 0, cacheReadTokens: request.cachedInputTokens }, price) : 0;
    const outputTokens = price ? Math.max(120, Math.round(((target - served.servedUsd - inputUsd) * 1_000_000) / price.output)) : 400;
    return { text: researchBrief(lead, outputTokens, seededRandom(seed + lead.index)) };
  };

  const model = await startSimulatedProvider({
    seed,
    promptCache: true,
    script: reply,
    expectedKeys: () => ({ openai: openaiKeys }),
  });
  meter = meterModel(model, served);

  const linkedin = await listen((req, res) => {
    if (!authorized(req, linkedinKey)) return answer(res, 401, { message: 'invalid access token' });
    const handle = decodeURIComponent(/^\/v2\/people\/([^/?]+)/.exec(req.url ?? '')?.[1] ?? '');
    const lead = byHandle.get(handle);
    if (!lead) return answer(res, 404, { message: `no profile ${handle}` });
    if (linkedinRateLimited(lead)) {
      rateLimitedHandles.add(handle);
      return answer(res, 429, { message: 'Throttle limit for calls to this resource is reached.' }, { 'retry-after': '1', 'retry-after-ms': '20' });
    }
    answer(res, 200, profileOf(lead, seed));
  });
  const clearbit = await listen((req, res) => {
    if (!authorized(req, clearbitKey)) return answer(res, 401, { error: { type: 'auth_failed' } });
    const domain = new URL(req.url ?? '/', 'http://clearbit.invalid').searchParams.get('domain') ?? '';
    const lead = byDomain.get(domain);
    if (!lead) return answer(res, 404, { error: { type: 'unknown_record' } });
    answer(res, 200, companyOf(lead, seed));
  });

  return {
    openaiBaseUrl: model.openaiBaseUrl,
    linkedinUrl: linkedin.url,
    clearbitUrl: clearbit.url,
    linkedinKey,
    clearbitKey,
    openaiKey: () => openaiKeys[openaiKeys.length - 1]!,
    issueOpenAiKey() {
      const key = `sk-demo-${randomBytes(16).toString('hex')}`;
      openaiKeys.push(key);
      return key;
    },
    revokePreviousKeys() {
      openaiKeys.splice(0, openaiKeys.length - 1);
    },
    profileOf: (lead) => profileOf(lead, seed),
    stats() {
      meter();
      return { linkedin: { rateLimitedLeads: rateLimitedHandles.size }, model: structuredClone(served) };
    },
    async close() {
      await Promise.all([model.close(), linkedin.close(), clearbit.close()]);
    },
  };

  function leadOf(body: Readonly<Record<string, unknown>>): DemoLead | undefined {
    const match = LEAD_ID.exec(JSON.stringify(body.messages ?? []));
    return match ? byIndex.get(Number(match[1])) : undefined;
  }
}

/**
 * The cumulative spend the script wants after each qualified lead's brief: rising evenly to the
 * warning figure at the warning lead, then evenly to the end figure. Keyed by lead index.
 */
function spendPlan(leads: readonly DemoLead[]): Map<number, number> {
  const qualified = leads.filter((lead) => leadScore(lead) >= QUALIFYING_SCORE);
  const before = qualified.filter((lead) => lead.index <= DEMO_SCRIPT.budgetWarningLead);
  const after = qualified.filter((lead) => lead.index > DEMO_SCRIPT.budgetWarningLead);
  const plan = new Map<number, number>();
  before.forEach((lead, position) => plan.set(lead.index, (DEMO_SCRIPT.spendAtWarningUsd * (position + 1)) / before.length));
  after.forEach((lead, position) => plan.set(lead.index, DEMO_SCRIPT.spendAtWarningUsd + ((DEMO_SCRIPT.spendAtEndUsd - DEMO_SCRIPT.spendAtWarningUsd) * (position + 1)) / after.length));
  return plan;
}

/**
 * Keeps `served` at the priced total of the answered requests: all of them, or those before
 * request number `beforeRequest` (the one being answered is not priced yet).
 */
function meterModel(model: SimulatedProvider, served: DemoWorldStats['model']): (beforeRequest?: number) => void {
  let counted = 0;
  return (beforeRequest = Number.POSITIVE_INFINITY) => {
    const log = model.log;
    for (; counted < log.length && log[counted]!.number < beforeRequest; counted++) {
      const entry = log[counted]!;
      const price = priceFor(entry.model);
      if (entry.status !== 200 || !price) continue;
      const cost = costUsd({ inputTokens: entry.inputTokens, outputTokens: entry.outputTokens, cacheReadTokens: entry.cachedInputTokens }, price);
      served.servedUsd += cost;
      const perModel = (served.byModel[entry.model] ??= { calls: 0, costUsd: 0, cachedTokens: 0, cacheSavedUsd: 0 });
      perModel.calls++;
      perModel.costUsd += cost;
      perModel.cachedTokens += entry.cachedInputTokens;
      perModel.cacheSavedUsd += (entry.cachedInputTokens * (price.input - (price.cachedInput ?? price.input))) / 1_000_000;
    }
  };
}

/** Serves `handle` on 127.0.0.1 at a random port. */
async function listen(handle: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => handle(req, res));
  });
  const port = await listenOnLoopback(server);
  return { url: `http://127.0.0.1:${port}`, close: () => closeServer(server) };
}

function authorized(req: IncomingMessage, key: string): boolean {
  return req.headers.authorization === `Bearer ${key}`;
}

function answer(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const json = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(json), ...headers });
  res.end(json);
}
