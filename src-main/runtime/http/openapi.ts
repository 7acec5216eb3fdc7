/**
 * The agent's OpenAPI 3.1 document, built from the Dockfile: the I/O schemas (JSON Schema 2020-12
 * is OpenAPI 3.1's schema dialect, so they go in as they are), the endpoints the Dockfile exposes,
 * and the security schemes its auth block enables.
 */
import type { DockSpec } from '../../../src-shared/dockfile/types';
import type { IoSchemas } from './io-schema';

const errorSchema = {
  type: 'object',
  required: ['error', 'code', 'detail'],
  properties: {
    error: { type: 'string', description: 'Stable error name, e.g. ValidationError, Unauthorized, PolicyViolation.' },
    code: { type: 'integer', description: 'The HTTP status.' },
    detail: { type: 'string', description: 'What was wrong and what to do, for a person.' },
  },
};

const errorResponse = (description: string) => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } });

/** Builds the OpenAPI 3.1 document for an agent. */
export function buildOpenApi(spec: DockSpec, schemas: IoSchemas, agentVersion: string): Record<string, unknown> {
  const securitySchemes: Record<string, unknown> = {};
  const security: Record<string, string[]>[] = [];
  if (spec.auth.mode === 'jwt' || spec.auth.mode === 'oauth2') {
    securitySchemes.bearerAuth = { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: spec.auth.mode === 'jwt' ? 'HS256 JWT with sub and role claims.' : 'An access token from the identity provider.' };
    security.push({ bearerAuth: [] });
  }
  if (spec.auth.api_keys?.enabled) {
    securitySchemes.apiKeyAuth = { type: 'apiKey', in: 'header', name: 'x-api-key', description: 'An AgentDock API key (shown once when created).' };
    security.push({ apiKeyAuth: [] });
  }
  const common = {
    '401': errorResponse('Missing or invalid credentials.'),
    '403': errorResponse('Not permitted, or refused by policy.'),
    '429': errorResponse('Rate limit or budget exceeded; see Retry-After.'),
    '498': errorResponse('Token expired.'),
    '499': errorResponse('API key revoked.'),
  };
  const paths: Record<string, unknown> = {};
  if (spec.expose.rest) {
    paths['/invoke'] = {
      post: {
        operationId: 'invoke',
        summary: `Run ${spec.agent.name} once and return its output`,
        security,
        requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/Input' } } } },
        responses: {
          '200': { description: 'The agent output.', headers: { 'x-trace-id': { schema: { type: 'string' } } }, content: { 'application/json': { schema: { $ref: '#/components/schemas/Output' } } } },
          '400': errorResponse('The body is not JSON.'),
          '413': errorResponse('The body or the output is too large.'),
          '422': errorResponse('The input does not match the input schema.'),
          ...common,
          '500': errorResponse('The output does not match the output schema, or an internal error.'),
          '502': errorResponse('The agent raised an error.'),
        },
      },
    };
  }
  if (spec.expose.streaming !== 'none') {
    const sse = {
      description: 'Server-sent events: start, token, tool, policy, end, error. Each data line is JSON.',
      content: { 'text/event-stream': { schema: { type: 'string' } } },
    };
    paths['/stream'] = {
      get: {
        operationId: 'streamGet',
        summary: 'Run the agent and stream its events (input as a JSON query parameter)',
        security,
        parameters: [{ name: 'input', in: 'query', required: true, description: 'The input object as JSON.', schema: { type: 'string' } }],
        responses: { '200': sse, ...common, '422': errorResponse('The input does not match the input schema.') },
      },
      post: {
        operationId: 'streamPost',
        summary: 'Run the agent and stream its events',
        security,
        requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/Input' } } } },
        responses: { '200': sse, ...common, '422': errorResponse('The input does not match the input schema.') },
      },
    };
  }
  paths['/schema'] = {
    get: {
      operationId: 'schema',
      summary: 'The input and output JSON Schemas',
      security,
      responses: {
        '200': {
          description: 'Schemas.',
          content: { 'application/json': { schema: { type: 'object', properties: { input_schema: { type: 'object' }, output_schema: { type: 'object' } } } } },
        },
        ...common,
      },
    },
  };
  paths['/health'] = { get: { operationId: 'health', summary: 'Liveness: status, version, agent, uptime', security: [], responses: { '200': { description: 'Alive.' } } } };
  paths['/ready'] = { get: { operationId: 'ready', summary: 'Readiness: 200 once the agent is loaded', security: [], responses: { '200': { description: 'Ready.' }, '503': errorResponse('Not ready: NotReady while the agent loads (retry), AgentLoadFailed when it cannot load (fix and redeploy).') } } };
  paths['/metrics'] = { get: { operationId: 'metrics', summary: 'Prometheus metrics', security, responses: { '200': { description: 'Text exposition format.', content: { 'text/plain': { schema: { type: 'string' } } } }, ...common } } };
  return {
    openapi: '3.1.0',
    info: {
      title: spec.agent.name,
      version: agentVersion,
      ...(spec.agent.description ? { description: spec.agent.description } : {}),
      'x-agentdock': { framework: spec.agent.framework, model: `${spec.model.provider}/${spec.model.name}` },
    },
    paths,
    components: {
      schemas: { Input: schemas.input, Output: schemas.output, Error: errorSchema },
      securitySchemes,
    },
  };
}
