/**
 * The offline demo's driver: sets the stage, feeds the 100 leads to the deployed agent one at a
 * time, plays the script's incidents, and reports every step as a DemoEvent (the CLI prints them,
 * the console shows them) and a summary at the end.
 *
 *   world (loopback model, LinkedIn, Clearbit) → project copy → vault secrets + API key
 *   → deploy (process target, $50 budget, provider forwarded to the world's model service)
 *   → lead 1..N: POST /invoke → outcome (exactly once per lead) → incidents → summary
 *
 * Crash safety: when the agent dies mid-lead (connection refused or reset, 502/503), the driver
 * waits for the target to restart it (/ready) and sends the same lead again; a lead is counted
 * when its answer arrives, once, so none is lost or counted twice.
 */
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { DemoEvent, DemoIncident, DemoLeadOutcome, DemoPace, DemoSummary } from '../../../src-shared/ipc/demo-types';
import { formatUsd } from '../../../src-shared/pricing/format-usd';
import { CoreError } from '../contracts';
import type { ControlPlane } from '../control-plane';
import { waitUntilReady } from '../controller/health-gate';
import { findDemoDir, loadDemoLeads, materializeDemoProject } from './demo-assets';
import type { DemoVariant } from './demo-assets';
import { checkDemoPython, demoPythonPath } from './demo-python';
import { DemoGate } from './demo-gate';
import { DEMO_SCRIPT, leadArrivalMs } from './demo-script';
import type { DemoLead } from './demo-script';
import { startDemoReceivers } from './demo-receivers';
import type { DemoReceivers } from './demo-receivers';
import { summarizeDemo } from './demo-summary';
import { startDemoWorld } from './demo-world';
import type { DemoWorld } from './demo-world';

export interface DemoRunOptions {
  plane: ControlPlane;
  actor: string;
  /** `presentation` (default) paces leads for a talk; `fast` sends them back to back. */
  pace?: DemoPace;
  /** Pause between leads, ms; overrides the pace. */
  leadDelayMs?: number;
  variant?: DemoVariant;
  /** Only the first N leads (tests). */
  leads?: number;
  /** The built demo directory (default: beside the runtime). */
  demoDir?: string;
  onEvent?: (event: DemoEvent) => void;
  signal?: AbortSignal;
  /** Stop after each lead at which a scripted incident happened, until `gate.resume()`. */
  pauseAtIncidents?: boolean;
  /** The presenter's pause and resume (a gate of its own when not given). */
  gate?: DemoGate;
  /** Runs before each lead is sent (a test kills the agent here). */
  beforeLead?: (index: number, context: { deploymentId: string }) => Promise<void> | void;
}

const PRESENTATION_DELAY_MS = 1_800;
/** How long a dead agent gets to come back before the lead counts as failed. */
const RESTART_WAIT_MS = 60_000;
/** Sends of one lead at most (the first and the re-sends after the agent died). */
const MAX_SENDS = 4;
const ENVIRONMENT = 'dev';
/** How long the budget warning gets to reach the webhook and the mailbox. */
const DELIVERY_WAIT_MS = 10_000;

/** Runs the demo to the end; resolves to its summary. */
export async function runDemo(options: DemoRunOptions): Promise<DemoSummary> {
  const { plane, actor } = options;
  const emit = (event: DemoEvent): void => options.onEvent?.(event);
  const variant = options.variant ?? 'javascript';
  const demoDir = options.demoDir ?? findDemoDir();
  const allLeads = await loadDemoLeads(demoDir);
  const leads = allLeads.slice(0, options.leads ?? allLeads.length);
  const agentName = variant === 'python' ? DEMO_SCRIPT.pythonAgentName : DEMO_SCRIPT.agentName;
  const leadDelayMs = options.leadDelayMs ?? (options.pace === 'fast' ? 0 : PRESENTATION_DELAY_MS);

  // Before anything starts: a missing langgraph would otherwise surface as a replica that never gets ready.
  if (variant === 'python') await checkDemoPython(demoPythonPath());
  emit({ kind: 'step', message: 'starting the simulated model, LinkedIn and Clearbit services on 127.0.0.1 (no network needed)' });
  const world = await startDemoWorld(allLeads);
  let apiKeyId: string | undefined;
  let receivers: DemoReceivers | undefined;
  try {
    const project = await materializeDemoProject({ dataDir: plane.dataDir, demoDir, variant, snapshot: Object.fromEntries(allLeads.map((lead) => [lead.linkedin, world.profileOf(lead)])) });
    const { agent } = plane.repositories.agents.getOrCreate(agentName);
    emit({ kind: 'step', message: `storing the agent's keys in the vault (OPENAI_API_KEY, LINKEDIN_API_KEY, CLEARBIT_API_KEY)` });
    const scope = { environment: ENVIRONMENT, agentId: agent.id, actor, role: 'admin' } as const;
    const vault = plane.vault();
    await vault.set('OPENAI_API_KEY', world.openaiKey(), scope);
    await vault.set('LINKEDIN_API_URL', world.linkedinUrl, scope);
    await vault.set('LINKEDIN_API_KEY', world.linkedinKey, scope);
    await vault.set('CLEARBIT_API_URL', world.clearbitUrl, scope);
    await vault.set('CLEARBIT_API_KEY', world.clearbitKey, scope);
    const { key, raw: apiKey } = plane.repositories.apiKeys.create({ agentId: agent.id, role: 'developer', label: 'demo driver', createdBy: actor });
    apiKeyId = key.id;
    emit({ kind: 'step', message: 'alert channels for the run: a webhook and a mailbox on 127.0.0.1 (stand-ins for Slack and e-mail)' });
    receivers = await startDemoReceivers(plane, actor);

    emit({ kind: 'step', message: `deploying ${agentName} to the process target with a ${formatUsd(DEMO_SCRIPT.budgetUsd)} budget` });
    const deployed = await plane.controller().deploy(project, {
      target: 'process',
      environment: ENVIRONMENT,
      actor,
      budgetUsd: DEMO_SCRIPT.budgetUsd,
      provider: { mode: 'forward', openaiBaseUrl: world.openaiBaseUrl },
      onStep: (step) => emit({ kind: 'step', message: step.message }),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    const endpoint = deployed.endpoints[0];
    if (!endpoint) throw new CoreError('E2023', `${agentName} deployed without an endpoint; see agentdock logs ${agentName}`);
    plane.telemetry().nudge();
    const runId = `lg-${randomBytes(4).toString('hex')}`;
    const started = Date.now();
    emit({ kind: 'started', agent: agentName, runId, version: deployed.version, deploymentId: deployed.deploymentId, endpoint, budgetUsd: DEMO_SCRIPT.budgetUsd, leads: leads.length, pace: options.pace ?? 'presentation', variant });

    const feeder = new LeadFeeder({ plane, world, receivers, endpoint, apiKey, deploymentId: deployed.deploymentId, agentId: agent.id, actor, total: leads.length, emit, ...(options.signal ? { signal: options.signal } : {}) });
    const gate = options.gate ?? new DemoGate();
    let pausedMs = 0;
    const trackPauses = (event: DemoEvent): void => {
      if (event.kind === 'resumed') pausedMs += event.pausedMs;
      emit(event);
    };
    for (const lead of leads) {
      options.signal?.throwIfAborted();
      await options.beforeLead?.(lead.index, { deploymentId: deployed.deploymentId });
      const incidentsBefore = feeder.incidentCount;
      if (lead.index === DEMO_SCRIPT.keyRotationLead) await feeder.rotateOpenAiKey(lead.index);
      const outcome = await feeder.send(lead);
      emit({ kind: 'lead', lead: outcome });
      await feeder.reportDeliveries();
      if (lead.index === leads.length) break;
      if (options.pauseAtIncidents && feeder.incidentCount > incidentsBefore) gate.requestPause('incident');
      await gate.hold(lead.index, trackPauses, options.signal);
      if (leadDelayMs > 0) await sleep(leadDelayMs, undefined, options.signal ? { signal: options.signal } : {});
    }
    const durationMs = Date.now() - started - pausedMs;
    const summary = summarizeDemo({ agent: agentName, runId, version: deployed.version, deploymentId: deployed.deploymentId, leads: leads.length, outcomes: feeder.outcomes(), incidents: feeder.incidents(), durationMs, world: world.stats(), budgetUsd: DEMO_SCRIPT.budgetUsd });
    emit({ kind: 'summary', summary });
    return summary;
  } finally {
    if (apiKeyId) plane.repositories.apiKeys.revoke(apiKeyId);
    await receivers?.close();
    await world.close();
  }
}

interface FeederContext {
  plane: ControlPlane;
  world: DemoWorld;
  receivers: DemoReceivers;
  endpoint: string;
  apiKey: string;
  deploymentId: string;
  agentId: string;
  actor: string;
  total: number;
  emit: (event: DemoEvent) => void;
  signal?: AbortSignal;
}

/** Sends leads and keeps the run's ledger: one outcome per lead, spend, incidents. */
class LeadFeeder {
  /** One outcome per lead, in lead order (send() records each lead once). */
  private readonly recorded: DemoLeadOutcome[] = [];
  private readonly found: DemoIncident[] = [];
  private spentUsd = 0;
  private linkedinTier = 'primary';
  private warned = false;
  /** The budget warning crossed at this lead, whose deliveries are still to be reported. */
  private budgetCrossed: { lead: number; spentUsd: number } | undefined;
  /** Notifications before this run (a rerun must not take an earlier run's for its own). */
  private readonly notificationsBefore: number;

  constructor(private readonly context: FeederContext) {
    this.notificationsBefore = context.plane.alerts().notifications.list({ agentId: context.agentId, limit: 1 })[0]?.id ?? 0;
  }

  outcomes(): DemoLeadOutcome[] {
    return [...this.recorded];
  }

  incidents(): DemoIncident[] {
    return [...this.found];
  }

  get incidentCount(): number {
    return this.found.length;
  }

  /** Sends `lead` until the agent answers it (re-sending after a crash); records it once. */
  async send(lead: DemoLead): Promise<DemoLeadOutcome> {
    const body = JSON.stringify({ lead, total: this.context.total, at_ms: leadArrivalMs(lead) });
    let attempts = 0;
    let lastError = '';
    const started = performance.now();
    while (attempts < MAX_SENDS) {
      attempts++;
      const answer = await this.invoke(body);
      if (answer.kind === 'answered') return this.record(lead, answer, attempts, performance.now() - started);
      lastError = answer.error;
      if (answer.kind === 'refused') break;
      // The agent went away: wait for the target to bring it back, then send the same lead again.
      this.incident({ kind: 'agent_restarted', lead: lead.index, message: `the agent stopped answering at lead #${lead.index} (${answer.error}); waiting for the process target to restart it, then sending lead #${lead.index} again`, data: { error: answer.error } });
      await this.waitReady();
    }
    const failed: DemoLeadOutcome = { ...this.base(lead), status: 'failed', sources: {}, latencyMs: Math.round(performance.now() - started), costUsd: 0, spentUsd: this.spentUsd, budgetUsd: DEMO_SCRIPT.budgetUsd, attempts, error: lastError };
    this.recorded.push(failed);
    return failed;
  }

  /** Rotates the agent's OpenAI key in the vault and pushes it to the running replica (no restart). */
  async rotateOpenAiKey(leadIndex: number): Promise<void> {
    const { plane, world, agentId, actor, deploymentId } = this.context;
    const before = await this.replicaIdentity();
    const previous = world.openaiKey();
    const next = world.issueOpenAiKey();
    await plane.vault().rotate('OPENAI_API_KEY', next, { environment: ENVIRONMENT, agentId, actor, role: 'admin' });
    const reloadSeen = this.nextConfigReload();
    const rollout = await plane.operations().rolloutConfig('secrets', { agentId }, { actor, role: 'admin' });
    const signalled = rollout.find((entry) => entry.deploymentId === deploymentId)?.reloaded ?? false;
    // The runtime says when it has read the new secrets (its `config` event): only then is the old key revoked.
    const reloaded = signalled && (await reloadSeen);
    if (reloaded) world.revokePreviousKeys();
    const after = await this.replicaIdentity();
    const sameProcess = before !== undefined && before === after;
    this.incident({
      kind: 'key_rotated',
      lead: leadIndex,
      message: reloaded
        ? `OPENAI_API_KEY rotated in the vault (…${previous.slice(-4)} → …${next.slice(-4)}): the running agent reloaded it with no restart${sameProcess ? ` (same process, pid ${after?.split('#')[0]})` : ''}, and the old key is revoked at the provider`
        : `OPENAI_API_KEY rotated in the vault (…${previous.slice(-4)} → …${next.slice(-4)}), but the agent did not confirm the reload; the old key stays valid`,
      data: { reloaded, sameProcess, process: after ?? null },
    });
  }

  /** Resolves true at the agent's next `config` event (its reload of keys and secrets), false after 15 s. */
  private nextConfigReload(): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => done(false), 15_000);
      const subscription = this.context.plane.telemetry().onEvents((events) => {
        if (events.some((event) => event.type === 'config' && event.agentId === this.context.agentId)) done(true);
      });
      function done(seen: boolean): void {
        clearTimeout(timer);
        subscription.dispose();
        resolve(seen);
      }
    });
  }

  private async invoke(body: string): Promise<{ kind: 'answered'; output: Record<string, unknown>; costUsd: number; traceId: string } | { kind: 'refused' | 'unreachable'; error: string }> {
    try {
      const response = await fetch(`${this.context.endpoint}/invoke`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': this.context.apiKey }, body, signal: AbortSignal.timeout(120_000) });
      const text = await response.text();
      if (response.ok) return { kind: 'answered', output: JSON.parse(text) as Record<string, unknown>, costUsd: Number(response.headers.get('x-agentdock-cost-usd') ?? 0), traceId: response.headers.get('x-trace-id') ?? '' };
      const error = `HTTP ${response.status}: ${text.slice(0, 300)}`;
      // 502/503: the agent behind the runtime crashed or is restarting (Python adapter); worth re-sending.
      return { kind: response.status === 502 || response.status === 503 ? 'unreachable' : 'refused', error };
    } catch (error) {
      return { kind: 'unreachable', error: error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error) };
    }
  }

  private record(lead: DemoLead, answer: { output: Record<string, unknown>; costUsd: number }, attempts: number, latencyMs: number): DemoLeadOutcome {
    const output = answer.output;
    this.spentUsd += Number.isFinite(answer.costUsd) ? answer.costUsd : 0;
    const sources = typeof output.sources === 'object' && output.sources !== null ? (output.sources as Record<string, string>) : {};
    const qualified = output.qualified === true;
    const outcome: DemoLeadOutcome = {
      ...this.base(lead),
      status: qualified ? 'qualified' : 'disqualified',
      ...(typeof output.score === 'number' ? { score: output.score } : {}),
      sources,
      latencyMs: Math.round(latencyMs),
      costUsd: answer.costUsd,
      spentUsd: this.spentUsd,
      budgetUsd: DEMO_SCRIPT.budgetUsd,
      attempts,
    };
    this.recorded.push(outcome);
    this.noticeIncidents(lead, outcome, typeof output.outreach === 'string' ? output.outreach : '');
    return outcome;
  }

  private noticeIncidents(lead: DemoLead, outcome: DemoLeadOutcome, outreach: string): void {
    const tier = outcome.sources.linkedin;
    if (tier && tier !== this.linkedinTier) {
      if (this.linkedinTier === 'primary') {
        this.incident({ kind: 'rate_limited', lead: lead.index, message: `LinkedIn answers 429 (rate limited); the tool retried inside its circuit breaker` });
        this.incident({ kind: 'breaker_open', lead: lead.index, message: `circuit breaker OPEN for linkedin after 5 consecutive failures: LinkedIn is not called for 60 s, the nightly snapshot answers (${tier})` });
      } else if (tier === 'primary') {
        this.incident({ kind: 'breaker_recovered', lead: lead.index, message: 'circuit breaker CLOSED for linkedin: a trial call after the cooldown succeeded, live profiles again' });
      }
      this.linkedinTier = tier;
    }
    if (outreach.includes('_REDACTED]') && !this.found.some((incident) => incident.kind === 'pii_redacted')) {
      this.incident({ kind: 'pii_redacted', lead: lead.index, message: 'the model wrote an e-mail address into the outreach e-mail: redacted to [EMAIL_REDACTED] before it was logged or returned; protection counter +1, audit record written' });
    }
    if (!this.warned && this.spentUsd >= DEMO_SCRIPT.budgetUsd * DEMO_SCRIPT.warnRatio) {
      this.warned = true;
      this.budgetCrossed = { lead: lead.index, spentUsd: this.spentUsd };
    }
  }

  /**
   * After the lead that crossed the budget warning: waits for the warning to reach the console
   * (notification), the webhook and the mailbox, and reports where it arrived.
   */
  async reportDeliveries(): Promise<void> {
    const crossed = this.budgetCrossed;
    if (!crossed) return;
    this.budgetCrossed = undefined;
    const { receivers, plane, agentId } = this.context;
    const isWarning = (message: { title: string }): boolean => /budget/i.test(message.title);
    const [webhook, email] = await Promise.all([
      receivers.waitFor((message) => message.channel === 'webhook' && isWarning(message), DELIVERY_WAIT_MS),
      receivers.waitFor((message) => message.channel === 'email' && isWarning(message), DELIVERY_WAIT_MS),
    ]);
    const notification = plane.alerts().notifications.list({ agentId, afterId: this.notificationsBefore }).find((entry) => entry.source === 'alert:budget_warning');
    const reached = [notification ? 'the console' : undefined, webhook ? 'the webhook' : undefined, email ? 'the mailbox' : undefined].filter(Boolean);
    const percent = Math.round(DEMO_SCRIPT.warnRatio * 100);
    this.incident({
      kind: 'budget_warning',
      lead: crossed.lead,
      message: `budget ${percent}% reached (${formatUsd(crossed.spentUsd)} / ${formatUsd(DEMO_SCRIPT.budgetUsd)}): warning delivered to ${reached.length ? reached.join(', ') : 'nobody yet'}${notification ? ', with "approve increase" in the console' : ''}`,
      data: { spentUsd: crossed.spentUsd, budgetUsd: DEMO_SCRIPT.budgetUsd, notification: Boolean(notification), webhook: Boolean(webhook), email: Boolean(email) },
    });
  }

  private incident(incident: DemoIncident): void {
    this.found.push(incident);
    this.context.emit({ kind: 'incident', incident });
  }

  private base(lead: DemoLead): Pick<DemoLeadOutcome, 'index' | 'total' | 'leadId' | 'name' | 'company'> {
    return { index: lead.index, total: this.context.total, leadId: lead.id, name: lead.name, company: lead.company };
  }

  /** The replica's process (pid) and start count, to tell a reload from a restart. */
  private async replicaIdentity(): Promise<string | undefined> {
    const target = this.context.plane.targets.process;
    const status = await target?.status(this.context.deploymentId).catch(() => undefined);
    const replica = status?.replicas[0];
    return replica ? `${replica.handle ?? '?'}#${replica.restarts}` : undefined;
  }

  /** Until the restarted agent answers /ready (the deploy's health gate), or the run is stopped. */
  private async waitReady(): Promise<void> {
    await waitUntilReady([this.context.endpoint], { timeoutMs: RESTART_WAIT_MS, intervalMs: 200, maxIntervalMs: 200, ...(this.context.signal ? { signal: this.context.signal } : {}) });
  }
}
