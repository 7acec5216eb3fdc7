/**
 * Handlers for the agent detail's observation tabs: `metrics:agent` (rollup totals and a bucketed
 * series), `logs:tail` (the active deployment's lines through its target, disposed with the
 * subscription), `policies:get` (the active version's rules and the violations its runtimes
 * reported) and `agents:openapi` (the runtime's own OpenAPI builder over the version's frozen spec).
 */
import type { DockSpec } from '../../../src-shared/dockfile/types';
import type { AgentMetricsReport, AgentOpenApi, AgentPolicies, LogTailLine, MetricsPoint, MetricsWindow, OpenApiEndpoint, PolicyViolation } from '../../../src-shared/ipc/console-types';
import { inlineSchemas } from '../../runtime/http/io-schema';
import type { IoSchemas } from '../../runtime/http/io-schema';
import { buildOpenApi } from '../../runtime/http/openapi';
import type { ControlPlane } from '../control-plane';
import { CoreError } from '../contracts';
import type { Agent, AgentVersion, Deployment, SeriesPoint } from '../store';
import type { ConsoleHandlers } from './handler-types';
import { policyRules, ruleIdOf, VIOLATION_EVENT_TYPES, violationOf, violationTrend } from './policy-report';

type Requests = ConsoleHandlers['requests'];
type Streams = ConsoleHandlers['streams'];

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;

/** Each window's buckets: minutes for the hour, hours beyond (30 days is 720 points). */
const WINDOWS: Record<MetricsWindow, { bucket: 'minute' | 'hour'; bucketMs: number; buckets: number }> = {
  '1h': { bucket: 'minute', bucketMs: MINUTE_MS, buckets: 60 },
  '24h': { bucket: 'hour', bucketMs: HOUR_MS, buckets: 24 },
  '7d': { bucket: 'hour', bucketMs: HOUR_MS, buckets: 24 * 7 },
  '30d': { bucket: 'hour', bucketMs: HOUR_MS, buckets: 24 * 30 },
};

/** Lines sent when a tail is not asked for. */
const DEFAULT_TAIL = 1000;
/** Longest line sent; a runaway line (a base64 dump) is cut rather than flooding every open tab. */
const MAX_LINE_CHARS = 16_384;
/** Events read per page for the violation trend, and pages at most (the repository caps a page). */
const EVENTS_PAGE = 10_000;
const EVENT_PAGES = 20;
const RECENT_VIOLATIONS = 50;
/** How long the schema of a Pydantic agent may take to come from its replica. */
const SCHEMA_FETCH_TIMEOUT_MS = 5000;

/** Buckets of `granularity` over [from, to) with the gaps filled (zeros, null latencies). */
export function fillSeries(points: readonly SeriesPoint[], window: { from: number; to: number }, bucketMs: number): MetricsPoint[] {
  const byStart = new Map(points.map((point) => [Date.parse(point.start), point]));
  const series: MetricsPoint[] = [];
  for (let start = window.from; start < window.to; start += bucketMs) {
    const point = byStart.get(start);
    series.push({
      start: new Date(start).toISOString(),
      requests: point?.requests ?? 0,
      errors: point?.errors ?? 0,
      p50Ms: point?.p50Ms ?? null,
      p95Ms: point?.p95Ms ?? null,
      p99Ms: point?.p99Ms ?? null,
      tokensIn: point?.tokensIn ?? 0,
      tokensOut: point?.tokensOut ?? 0,
      costUsd: point?.costUsd ?? 0,
    });
  }
  return series;
}

/** The tabs' requests. */
export function observeRequests(plane: ControlPlane): Pick<Requests, 'metrics:agent' | 'policies:get' | 'agents:openapi'> {
  const repos = plane.repositories;
  const requireAgent = (name: string): Agent => {
    const agent = repos.agents.findByName(name);
    if (!agent) throw new CoreError('E2004', `No agent named ${name}; it may have been deleted — refresh the fleet.`);
    return agent;
  };
  /** The most recently activated live deployment (the one the fleet table shows), if any. */
  const activeDeployment = (agentId: string): Deployment | undefined =>
    repos.deployments.list({ agentId, states: ['active'] }).sort((a, b) => (b.activatedAt ?? '').localeCompare(a.activatedAt ?? ''))[0];
  /** The version the tabs describe: the active one, else the newest. */
  const shownVersion = (agentId: string): { version: AgentVersion | undefined; deployment: Deployment | undefined } => {
    const deployment = activeDeployment(agentId);
    return { deployment, version: deployment ? repos.versions.get(deployment.versionId) : repos.versions.latest(agentId) };
  };

  return {
    'metrics:agent': async ({ agent: name, window }) => {
      const agent = requireAgent(name);
      const shape = WINDOWS[window];
      // `to` is the end of the current bucket, so the newest (still filling) bucket is shown.
      const to = Math.floor(Date.now() / shape.bucketMs) * shape.bucketMs + shape.bucketMs;
      const from = to - shape.buckets * shape.bucketMs;
      const range = { from: new Date(from).toISOString(), to: new Date(to).toISOString() };
      // metrics() writes buffered events first, so the series below sees them too.
      const [metrics] = plane.telemetry().metrics(range, { agentIds: [agent.id] });
      if (!metrics) throw new CoreError('E2004', `No agent named ${name}; it may have been deleted — refresh the fleet.`);
      const report: AgentMetricsReport = {
        agent: agent.name,
        window,
        from: range.from,
        to: range.to,
        bucket: shape.bucket,
        totals: {
          requests: metrics.requests,
          errors: metrics.errors,
          errorRate: metrics.errorRate,
          throughputPerSecond: metrics.throughputPerSecond,
          p50Ms: metrics.p50Ms,
          p95Ms: metrics.p95Ms,
          p99Ms: metrics.p99Ms,
          tokensIn: metrics.tokensIn,
          tokensOut: metrics.tokensOut,
          costUsd: metrics.costUsd,
          costPerRequestUsd: metrics.costPerRequestUsd,
        },
        series: fillSeries(repos.telemetry.seriesBy(agent.id, range, shape.bucket), { from, to }, shape.bucketMs),
        budget: { spentUsd: metrics.budget.spentUsd, limitUsd: metrics.budget.limitUsd, percent: metrics.budget.percent },
      };
      return report;
    },

    'policies:get': async ({ agent: name }) => {
      const agent = requireAgent(name);
      const { version } = shownVersion(agent.id);
      const spec = version ? (JSON.parse(version.specJson) as DockSpec) : undefined;
      const to = Math.floor(Date.now() / HOUR_MS) * HOUR_MS + HOUR_MS;
      const from = to - 24 * HOUR_MS;
      const telemetry = plane.telemetry();
      telemetry.flush();
      const { violations, complete } = readViolations(plane, agent.id, { from: new Date(from).toISOString(), to: new Date(to).toISOString() });
      const perRule = new Map<string, number>();
      for (const violation of violations) perRule.set(ruleIdOf(violation.rule), (perRule.get(ruleIdOf(violation.rule)) ?? 0) + violation.count);
      const rules = spec ? policyRules(spec, telemetry.budget(agent.id)).map((rule) => ({ ...rule, violations: perRule.get(rule.id) ?? 0 })) : [];
      const policies: AgentPolicies = {
        agent: agent.name,
        version: version?.label ?? null,
        mode: spec?.policies?.safety?.halt_on_violation === true ? 'block' : 'redact',
        rules,
        trend: { from: new Date(from).toISOString(), to: new Date(to).toISOString(), ...violationTrend(violations, { from, to }), complete },
        recent: violations.slice(-RECENT_VIOLATIONS).reverse(),
      };
      return policies;
    },

    'agents:openapi': async ({ agent: name }, { signal }) => {
      const agent = requireAgent(name);
      const { version, deployment } = shownVersion(agent.id);
      if (!version) throw new CoreError('E2003', `${name} has no version yet; deploy it to see its API.`);
      const spec = JSON.parse(version.specJson) as DockSpec;
      let schemas: IoSchemas | undefined = inlineSchemas(spec);
      let schemaSource: AgentOpenApi['schemaSource'] = 'inline';
      if (!schemas) {
        // Pydantic classes: only the agent's own process knows the JSON Schema; its runtime serves it on /schema.
        schemas = deployment?.endpoint ? await fetchRuntimeSchemas(deployment.endpoint, signal) : undefined;
        schemaSource = schemas ? 'runtime' : 'unknown';
      }
      const resolved = schemas ?? { input: { type: 'object' }, output: { type: 'object' } };
      const openapi = buildOpenApi(spec, resolved, version.label);
      const result: AgentOpenApi = {
        agent: agent.name,
        version: version.label,
        schemaSource,
        inputSchema: resolved.input,
        outputSchema: resolved.output,
        openapi,
        endpoints: endpointsOf(openapi),
        endpoint: deployment?.endpoint ?? null,
      };
      return result;
    },
  };
}

/** The tabs' streams. */
export function observeStreams(plane: ControlPlane): Pick<Streams, 'logs:tail'> {
  return {
    'logs:tail': ({ agent, target, tail }, { emit, fail }) => {
      // Lines are batched per turn of the event loop: the replayed tail arrives synchronously and
      // goes out as one message, live lines one small batch at a time.
      let pending: LogTailLine[] = [];
      let scheduled: NodeJS.Immediate | undefined;
      let open = true;
      const flush = (): void => {
        scheduled = undefined;
        if (!open || pending.length === 0) return;
        const lines = pending;
        pending = [];
        emit({ lines });
      };
      const stream = plane.operations().logs(
        agent,
        {
          tail: tail ?? DEFAULT_TAIL,
          follow: true,
          ...(target ? { target } : {}),
          onEnd: (error) => {
            if (!error || !open) return;
            flush();
            fail(error);
          },
        },
        (line) => {
          if (!open) return;
          pending.push({ replica: line.replica, stream: line.stream, time: line.time, line: line.line.length > MAX_LINE_CHARS ? `${line.line.slice(0, MAX_LINE_CHARS)}…` : line.line, version: line.version });
          scheduled ??= setImmediate(flush);
        },
      );
      return {
        dispose: () => {
          open = false;
          if (scheduled) clearImmediate(scheduled);
          pending = [];
          stream.dispose();
        },
      };
    },
  };
}

/** The agent's violations in the window, oldest first, reading the events page by page. */
function readViolations(plane: ControlPlane, agentId: string, window: { from: string; to: string }): { violations: PolicyViolation[]; complete: boolean } {
  const violations: PolicyViolation[] = [];
  let from = window.from;
  // Events at the page's last timestamp may continue on the next page: the ids already read there are skipped.
  let seenAtFrom = new Set<number>();
  for (let page = 0; page < EVENT_PAGES; page++) {
    const events = plane.repositories.telemetry.events(agentId, { types: VIOLATION_EVENT_TYPES, from, to: window.to, limit: EVENTS_PAGE });
    for (const event of events) {
      if (event.time === from && seenAtFrom.has(event.id)) continue;
      const violation = violationOf(event);
      if (violation) violations.push(violation);
    }
    if (events.length < EVENTS_PAGE) return { violations, complete: true };
    const last = events[events.length - 1]!;
    seenAtFrom = new Set(events.filter((event) => event.time === last.time).map((event) => event.id));
    if (last.time === from && seenAtFrom.size >= EVENTS_PAGE) break;
    from = last.time;
  }
  return { violations, complete: false };
}

async function fetchRuntimeSchemas(endpoint: string, signal: AbortSignal): Promise<IoSchemas | undefined> {
  try {
    const response = await fetch(`${endpoint}/schema`, { signal: AbortSignal.any([signal, AbortSignal.timeout(SCHEMA_FETCH_TIMEOUT_MS)]) });
    if (!response.ok) return undefined;
    const body = (await response.json()) as { input_schema?: unknown; output_schema?: unknown };
    const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
    return isObject(body.input_schema) && isObject(body.output_schema) ? { input: body.input_schema, output: body.output_schema } : undefined;
  } catch (error) {
    if (signal.aborted) throw error;
    // Not running or not answering: the document is still built, with open schemas.
    return undefined;
  }
}

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

/** Every operation of an OpenAPI document, in path order. */
export function endpointsOf(openapi: Record<string, unknown>): OpenApiEndpoint[] {
  const paths = (openapi.paths ?? {}) as Record<string, Record<string, { operationId?: string; summary?: string; security?: unknown[] }>>;
  const endpoints: OpenApiEndpoint[] = [];
  for (const [path, item] of Object.entries(paths)) {
    for (const method of HTTP_METHODS) {
      const operation = item[method];
      if (!operation) continue;
      endpoints.push({ method: method.toUpperCase(), path, operationId: operation.operationId ?? null, summary: operation.summary ?? null, secured: Array.isArray(operation.security) && operation.security.length > 0 });
    }
  }
  return endpoints;
}
