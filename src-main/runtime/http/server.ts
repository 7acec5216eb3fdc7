/**
 * The runtime's public HTTP server: routing, auth per endpoint, CORS, security headers, the error
 * envelope, and the transports (JSON, SSE, WebSocket) around one run pipeline. Anything thrown
 * that is not a RuntimeHttpError becomes a 500 whose body reveals nothing internal.
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { WebSocket } from 'ws';
import { requiredPermission } from '../auth/permissions';
import type { Principal } from '../contracts';
import { readJsonBody } from './body';
import { docsHtml, DOCS_CSP, findDocsAssets, readDocsAsset } from './docs-page';
import { errorEnvelope, RuntimeHttpError, sendError, sendJson } from './errors';
import { buildOpenApi } from './openapi';
import { refusalError, runAgent } from './run-pipeline';
import type { RunEvent } from './run-pipeline';
import type { RuntimeServices } from './services';
import { writeSseEvent } from '../telemetry/sse';

export interface HttpServerHandle {
  server: Server;
  url: string;
  /** Stops accepting, lets in-flight requests finish (up to `graceMs`), then closes sockets. */
  close(graceMs?: number): Promise<void>;
}

const TRACE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{7,63}$/;


/** Starts the runtime server on `host:port` (port 0 picks one). */
export async function startHttpServer(services: RuntimeServices, listen: { host: string; port: number }): Promise<HttpServerHandle> {
  const startedAt = services.clock();
  const docsAssets = findDocsAssets();
  /** The OpenAPI text per I/O validator: the schemas can arrive after start (Pydantic classes). */
  const openApiCache = new WeakMap<object, string>();
  let inflight = 0;
  const sockets = new Set<Duplex>();
  /** The caller's role per response, for the requests metric (not sent to the client). */
  const roles = new WeakMap<ServerResponse, string>();

  const server = createServer((req, res) => {
    const begun = services.clock();
    const path = pathOf(req);
    securityHeaders(res);
    applyCors(services, req, res);
    res.on('finish', () => {
      const endpoint = knownEndpoint(path);
      services.metrics.increment('agentdock_requests_total', { endpoint, status: String(res.statusCode), role: roles.get(res) ?? 'anonymous' });
      services.metrics.observe('agentdock_request_duration_seconds', (services.clock() - begun) / 1000, { endpoint });
    });
    route(req, res, path).catch((error: unknown) => {
      if (!(error instanceof RuntimeHttpError)) services.logger.error('unhandled error in request', { path, error: error instanceof Error ? error.message : String(error) });
      sendError(res, error instanceof RuntimeHttpError ? error : new RuntimeHttpError('InternalError', 'the runtime failed to handle the request; see the runtime log'));
    });
  });
  // Slowloris: a client must send its headers promptly.
  server.headersTimeout = 15_000;
  server.requestTimeout = services.limits.requestTimeoutMs + 10_000;
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: services.limits.maxBodyBytes });
  server.on('upgrade', (req, socket, head) => {
    socket.on('error', () => socket.destroy());
    if (pathOf(req) !== '/ws/stream' || services.spec.expose.streaming === 'none') return rejectUpgrade(socket, new RuntimeHttpError('NotFound', 'WebSocket streaming is served at /ws/stream when expose.streaming is enabled'));
    const gate = authenticate(req, '/ws/stream');
    if (!gate.ok) return rejectUpgrade(socket, gate.error);
    wss.handleUpgrade(req, socket, head, (ws) => serveWebSocket(ws, gate.principal));
  });

  async function route(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const method = req.method ?? 'GET';
    if (method === 'OPTIONS') {
      res.writeHead(204).end();
      return;
    }
    switch (path) {
      case '/health':
        return only(method, ['GET', 'HEAD'], () =>
          sendJson(res, 200, {
            status: services.isReady() ? 'healthy' : services.loadFailure() ? 'failed' : 'starting',
            agent: services.spec.agent.name,
            version: services.agentVersion,
            language: services.adapter.language,
            uptime_seconds: Math.floor((services.clock() - startedAt) / 1000),
          }),
        );
      case '/ready':
        return only(method, ['GET', 'HEAD'], () =>
          services.isReady() ? sendJson(res, 200, { ready: true }) : sendError(res, notReady(services.loadFailure())),
        );
      case '/openapi.json':
        return only(method, ['GET'], () => {
          let openApi = openApiCache.get(services.io);
          if (!openApi) openApiCache.set(services.io, (openApi = JSON.stringify(buildOpenApi(services.spec, services.io.schemas, services.agentVersion))));
          res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-cache' }).end(openApi);
        });
      case '/docs':
      case '/docs/':
        return only(method, ['GET'], () => {
          if (path === '/docs') return void res.writeHead(308, { location: '/docs/' }).end();
          res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': DOCS_CSP }).end(docsHtml(services.spec.agent.name));
        });
      case '/schema':
        return only(method, ['GET'], () => sendJson(res, 200, { input_schema: services.io.schemas.input, output_schema: services.io.schemas.output }));
      case '/metrics': {
        const principal = guard(req, res, path);
        return only(method, ['GET'], () => {
          if (!principal) return;
          res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8', 'cache-control': 'no-store' }).end(services.metrics.render());
        });
      }
      case '/events': {
        const principal = guard(req, res, path);
        return only(method, ['GET'], () => principal && services.serveEvents(req, res));
      }
      case '/invoke': {
        if (!services.spec.expose.rest) throw new RuntimeHttpError('NotFound', 'this agent does not expose /invoke (expose.rest is false); use /stream');
        if (method !== 'POST') throw methodNotAllowed(method, ['POST']);
        const principal = guard(req, res, path);
        if (!principal) return;
        return handleInvoke(req, res, principal);
      }
      case '/stream': {
        if (services.spec.expose.streaming === 'none') throw new RuntimeHttpError('NotFound', 'this agent does not stream (expose.streaming is none); use /invoke');
        if (method !== 'GET' && method !== 'POST') throw methodNotAllowed(method, ['GET', 'POST']);
        const principal = guard(req, res, path);
        if (!principal) return;
        return handleSse(req, res, principal);
      }
      default:
        if (path.startsWith('/docs/')) {
          const asset = await readDocsAsset(docsAssets, path.slice('/docs/'.length));
          if (asset) return void res.writeHead(200, { 'content-type': asset.type, 'cache-control': 'public, max-age=3600' }).end(asset.body);
        }
        throw new RuntimeHttpError('NotFound', `no endpoint ${path}; see /docs`);
    }

    function only(actual: string, allowed: string[], handler: () => void): void {
      if (!allowed.includes(actual)) throw methodNotAllowed(actual, allowed);
      handler();
    }
  }

  /** Authenticates, authorises and rate-limits; on refusal writes the envelope and returns undefined. */
  function guard(req: IncomingMessage, res: ServerResponse, path: string): Principal | undefined {
    const gate = authenticate(req, path);
    if (!gate.ok) {
      sendError(res, gate.error);
      return undefined;
    }
    roles.set(res, gate.principal.role);
    for (const [name, value] of Object.entries(gate.headers)) res.setHeader(name, value);
    return gate.principal;
  }

  function authenticate(req: IncomingMessage, path: string): { ok: true; principal: Principal; headers: Record<string, string> } | { ok: false; error: RuntimeHttpError } {
    // headersDistinct: with req.headers Node keeps only the first Authorization header, hiding a duplicate.
    const authenticated = services.auth.authenticate(req.headersDistinct);
    if (!authenticated.ok) return { ok: false, error: refusalError(authenticated) };
    const permission = requiredPermission(path);
    if (permission) {
      const allowed = services.auth.authorize(authenticated.principal, permission);
      if (!allowed.ok) return { ok: false, error: refusalError(allowed) };
    }
    const limited = services.auth.rateLimit(authenticated.principal);
    if (!limited.ok) return { ok: false, error: refusalError(limited) };
    return { ok: true, principal: authenticated.principal, headers: limited.headers ?? {} };
  }

  async function handleInvoke(req: IncomingMessage, res: ServerResponse, principal: Principal): Promise<void> {
    const input = await readJsonBody(req, services.limits.maxBodyBytes);
    const traceId = traceIdOf(req);
    res.setHeader('x-trace-id', traceId);
    const result = await tracked(() => runAgent(services, { principal, input, traceId, endpoint: '/invoke', signal: clientGone(req, res) }));
    sendJson(res, 200, result.output, { 'x-agentdock-cost-usd': result.usage.costUsd.toFixed(6), 'x-agentdock-latency-ms': String(result.latencyMs) });
  }

  async function handleSse(req: IncomingMessage, res: ServerResponse, principal: Principal): Promise<void> {
    const input = req.method === 'POST' ? await readJsonBody(req, services.limits.maxBodyBytes) : queryInput(req);
    const traceId = traceIdOf(req);
    const signal = clientGone(req, res);
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no', 'x-trace-id': traceId });
    res.flushHeaders();
    const send = (event: RunEvent): void => {
      if (!res.writableEnded) writeSseEvent(res, event.event, event.data);
    };
    try {
      await tracked(() => runAgent(services, { principal, input, traceId, endpoint: '/stream', signal, onEvent: send }));
    } catch (error) {
      const httpError = error instanceof RuntimeHttpError ? error : new RuntimeHttpError('InternalError', 'the runtime failed during the stream');
      send({ event: 'error', data: errorEnvelope(httpError) as RunEvent['data'] & { error: never } } as RunEvent);
    } finally {
      res.end();
    }
  }

  function serveWebSocket(ws: WebSocket, principal: Principal): void {
    const controller = new AbortController();
    ws.on('close', () => controller.abort());
    ws.on('error', () => controller.abort());
    ws.on('message', (raw) => {
      let message: { input?: unknown; traceId?: unknown };
      try {
        message = JSON.parse(String(raw)) as { input?: unknown; traceId?: unknown };
      } catch {
        ws.send(JSON.stringify({ event: 'error', data: errorEnvelope(new RuntimeHttpError('InvalidJson', 'send {"input": {...}} as JSON')) }));
        return;
      }
      if (message === null || typeof message !== 'object' || !('input' in message)) {
        ws.send(JSON.stringify({ event: 'error', data: errorEnvelope(new RuntimeHttpError('BadRequest', 'send {"input": {...}}')) }));
        return;
      }
      const traceId = typeof message.traceId === 'string' && TRACE_ID.test(message.traceId) ? message.traceId : randomUUID();
      const send = (event: RunEvent): void => {
        if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(event));
      };
      tracked(() => runAgent(services, { principal, input: message.input, traceId, endpoint: '/ws/stream', signal: controller.signal, onEvent: send })).catch((error: unknown) => {
        const httpError = error instanceof RuntimeHttpError ? error : new RuntimeHttpError('InternalError', 'the runtime failed during the stream');
        send({ event: 'error', data: errorEnvelope(httpError) } as RunEvent);
      });
    });
  }

  async function tracked<T>(work: () => Promise<T>): Promise<T> {
    services.metrics.set('agentdock_inflight_requests', ++inflight);
    try {
      return await work();
    } finally {
      services.metrics.set('agentdock_inflight_requests', --inflight);
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port, listen.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  return {
    server,
    url: `http://${host}:${address.port}`,
    async close(graceMs = 10_000) {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      for (const client of wss.clients) client.close(1001, 'runtime shutting down');
      const deadline = services.clock() + graceMs;
      while (inflight > 0 && services.clock() < deadline) await new Promise((resolve) => setTimeout(resolve, 25));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}

function pathOf(req: IncomingMessage): string {
  const raw = req.url ?? '/';
  const end = raw.search(/[?#]/);
  return end < 0 ? raw : raw.slice(0, end);
}

/** A bounded label value for metrics: unknown paths would otherwise explode cardinality. */
function knownEndpoint(path: string): string {
  if (path.startsWith('/docs/')) return '/docs';
  // The permission table lists every route, so it is also the list of label values.
  return requiredPermission(path) === undefined ? 'other' : path;
}

function traceIdOf(req: IncomingMessage): string {
  const given = req.headers['x-trace-id'];
  return typeof given === 'string' && TRACE_ID.test(given) ? given : randomUUID();
}

function queryInput(req: IncomingMessage): unknown {
  const raw = new URL(req.url ?? '/', 'http://runtime.invalid').searchParams.get('input');
  if (raw === null) throw new RuntimeHttpError('BadRequest', 'GET /stream needs ?input=<JSON object>; or POST the input as JSON');
  try {
    return JSON.parse(raw) as unknown;
  } catch (error) {
    throw new RuntimeHttpError('InvalidJson', `the input query parameter is not valid JSON: ${(error as Error).message}`);
  }
}

/** A signal that aborts when the client disconnects before the response is complete. */
function clientGone(req: IncomingMessage, res: ServerResponse): AbortSignal {
  const controller = new AbortController();
  res.once('close', () => {
    if (!res.writableFinished) controller.abort();
  });
  req.once('aborted', () => controller.abort());
  return controller.signal;
}

function methodNotAllowed(method: string, allowed: string[]): RuntimeHttpError {
  return new RuntimeHttpError('MethodNotAllowed', `${method} is not supported here; use ${allowed.join(' or ')}`, { headers: { allow: allowed.join(', ') } });
}

function securityHeaders(res: ServerResponse): void {
  res.setHeader('x-content-type-options', 'nosniff');
  res.setHeader('x-frame-options', 'DENY');
  res.setHeader('referrer-policy', 'no-referrer');
}

function applyCors(services: RuntimeServices, req: IncomingMessage, res: ServerResponse): void {
  const origin = req.headers.origin;
  const cors = services.spec.expose.cors;
  if (!origin || !cors?.origins?.length) return;
  const allowed = cors.origins.includes('*') || cors.origins.includes(origin);
  if (!allowed) return;
  res.setHeader('access-control-allow-origin', cors.origins.includes('*') ? '*' : origin);
  res.setHeader('vary', 'Origin');
  res.setHeader('access-control-allow-methods', (cors.methods?.length ? cors.methods : ['GET', 'POST']).join(', '));
  res.setHeader('access-control-allow-headers', 'authorization, content-type, x-api-key, x-trace-id, last-event-id');
  res.setHeader('access-control-expose-headers', 'x-trace-id, x-agentdock-cost-usd, x-agentdock-latency-ms');
}

function rejectUpgrade(socket: Duplex, error: RuntimeHttpError): void {
  const body = JSON.stringify(errorEnvelope(error));
  socket.end(`HTTP/1.1 ${error.status} ${error.errorName}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
}

/** Why /ready is not 200: still loading (retry), or a load that failed for good (fix and redeploy). */
function notReady(loadFailure: string | undefined): RuntimeHttpError {
  return loadFailure
    ? new RuntimeHttpError('AgentLoadFailed', `the agent failed to load: ${loadFailure}. Fix the agent's code or dependencies, then deploy again`)
    : new RuntimeHttpError('NotReady', 'the agent is still loading; retry shortly');
}
