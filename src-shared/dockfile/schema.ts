/**
 * The Dockfile v1.0 JSON Schema: the single source of truth for the Dockfile.
 *
 * Everything else derives from this object: the TypeScript `DockSpec` types (`types.ts`, through
 * json-schema-to-ts), the compiled validator (`generated/`, by `npm run generate`), the JSON file
 * the editor and users load (`resources/schema/dockfile-1.0.json`), and the defaults applied when a
 * Dockfile is frozen. `schema-agreement.test.ts` proves they agree.
 *
 * It follows seed 004 §8.2 with its defects mended; each mend is listed in docs/dockfile.md
 * ("Differences from the PRD schema"), for example the unterminated name patterns, the misspelt
 * `allof` (which JSON Schema silently ignores), and permission patterns that rejected the reserved
 * permission names. Cross-field rules (auth mode consistency, exposure) live in the semantic stage,
 * where they can report their own error codes (4005, 4010) instead of a generic schema failure.
 */

/** `agent.name`: 3–63 characters, lowercase, usable as a Kubernetes/Docker name after `_` → `-`. */
export const AGENT_NAME_PATTERN = '^[a-z][a-z0-9_-]{1,61}[a-z0-9]$';
/** `module.path:callable` (Python) or `path/to/module:export` (JavaScript/TypeScript). */
export const ENTRYPOINT_PATTERN = '^[A-Za-z0-9_.@/-]+:[A-Za-z_$][A-Za-z0-9_$]*$';
/** `pkg.module:ClassName` or `pkg.module.ClassName` for Pydantic I/O classes. */
export const CLASS_PATH_PATTERN = '^[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)*(:[A-Za-z_][A-Za-z0-9_]*)?$';
/** Tool names in `policies.tools.allowed` (seed 004 §8.5). */
export const TOOL_NAME_PATTERN = '^[a-zA-Z0-9_.-]{1,64}$';
/** Role names: like agent names, 3–32 characters. */
export const ROLE_NAME_PATTERN = '^[a-z][a-z0-9_-]{2,31}$';
/** Permission names: the reserved ones (`view_metrics`, `key_manage`, …) and custom ones. */
export const PERMISSION_PATTERN = '^[a-z][a-z_-]{1,31}$';
/** Rate limits such as `100/m` or `5 / s`. */
export const RATE_LIMIT_PATTERN = '^[1-9][0-9]*\\s*/\\s*(s|m|h|d)$';

export const SUPPORTED_VERSIONS = ['1.0'] as const;
export const FRAMEWORKS = ['langgraph', 'langchain'] as const;
export const MODEL_PROVIDERS = ['openai', 'azure', 'anthropic', 'google', 'ollama', 'custom'] as const;
export const AUTH_MODES = ['jwt', 'api_key', 'oauth2'] as const;
export const STREAMING_MODES = ['sse', 'websocket', 'none'] as const;
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export const IO_FIELD_TYPES = ['string', 'number', 'integer', 'boolean', 'array', 'object', 'null'] as const;
/** Permissions the runtime and control plane check (seed 004 §8.5). */
export const RESERVED_PERMISSIONS = ['deploy', 'rollback', 'invoke', 'view_metrics', 'key_manage', 'read_logs', 'read_docs', 'read_only'] as const;

/** Roles that apply when `auth.roles` is not set (seed 004 §5.3.4). */
export const DEFAULT_ROLES: Readonly<Record<string, readonly (typeof RESERVED_PERMISSIONS)[number][]>> = {
  admin: ['deploy', 'rollback', 'view_metrics', 'key_manage', 'invoke', 'read_logs', 'read_docs'],
  developer: ['invoke', 'view_metrics', 'read_logs', 'read_docs'],
  viewer: ['view_metrics', 'read_docs'],
};

/** One property of an inline I/O schema; nested `properties`/`items` are checked by the semantic stage. */
const ioPropertySchema = {
  type: 'object',
  required: ['type'],
  properties: {
    type: { type: 'string', enum: IO_FIELD_TYPES },
    description: { type: 'string' },
    items: { type: 'object' },
    properties: { type: 'object' },
    required: { type: 'array', items: { type: 'string' } },
    enum: { type: 'array' },
  },
  additionalProperties: true,
} as const;

/** An inline JSON-Schema-style object definition (`io_schema.input` / `io_schema.output`). */
const ioObjectSchema = {
  type: 'object',
  required: ['type'],
  properties: {
    type: { const: 'object' },
    description: { type: 'string' },
    required: { type: 'array', items: { type: 'string' } },
    properties: { type: 'object', additionalProperties: ioPropertySchema },
    additionalProperties: { type: 'boolean' },
  },
  additionalProperties: false,
} as const;

export const dockfileSchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'https://agentdock.dev/schema/dockfile-1.0.json',
  title: 'AgentDock Dockfile v1.0',
  description: 'Declares an agent: entrypoint, model, I/O schema, policies, auth, observability and exposure.',
  type: 'object',
  required: ['version', 'agent', 'model', 'io_schema', 'auth', 'expose'],
  properties: {
    version: { type: 'string', const: '1.0', description: 'Dockfile schema version. This parser reads "1.0".' },
    agent: {
      type: 'object',
      description: 'What the agent is and where its code starts.',
      required: ['name', 'entrypoint', 'framework'],
      properties: {
        name: {
          type: 'string',
          pattern: AGENT_NAME_PATTERN,
          description: 'Unique slug: lowercase letters, digits, "-" or "_", 3–63 characters, starting with a letter.',
        },
        description: { type: 'string', description: 'One line shown in the console and the API docs.' },
        entrypoint: {
          type: 'string',
          pattern: ENTRYPOINT_PATTERN,
          description: 'Python `pkg.module:build_graph` or JS/TS `src/agent:graph`: the graph, runnable or function to serve.',
        },
        framework: { type: 'string', enum: FRAMEWORKS, description: 'Adapter selection: langgraph or langchain.' },
      },
      additionalProperties: false,
    },
    model: {
      type: 'object',
      description: 'The model the agent calls, through the AgentDock LLM proxy.',
      required: ['provider', 'name'],
      properties: {
        provider: { type: 'string', enum: MODEL_PROVIDERS, description: 'Model backend.' },
        name: { type: 'string', minLength: 1, description: 'Model name, e.g. gpt-4o-mini or claude-sonnet-4.' },
        temperature: { type: 'number', minimum: 0, maximum: 2, description: 'Sampling temperature, 0–2.' },
        max_tokens: { type: 'integer', minimum: 1, description: 'Upper bound on completion tokens per call.' },
        endpoint: { type: 'string', description: 'Provider base URL (Azure, Ollama, custom).' },
        extra: { type: 'object', additionalProperties: true, description: 'Provider-specific options passed through.' },
      },
      additionalProperties: false,
    },
    io_schema: {
      type: 'object',
      description: 'Input and output: inline JSON-Schema objects, or Pydantic class paths — one or the other.',
      oneOf: [
        {
          required: ['input', 'output'],
          properties: { input: ioObjectSchema, output: ioObjectSchema },
          additionalProperties: false,
          description: 'Inline JSON-Schema-style definitions',
        },
        {
          required: ['input_class', 'output_class'],
          properties: {
            input_class: { type: 'string', pattern: CLASS_PATH_PATTERN },
            output_class: { type: 'string', pattern: CLASS_PATH_PATTERN },
          },
          additionalProperties: false,
          description: 'Pydantic class import paths',
        },
      ],
    },
    arguments: {
      type: 'object',
      description: 'Runtime knobs merged into the adapter config.',
      default: {},
      additionalProperties: true,
    },
    policies: {
      type: 'object',
      description: 'Security and governance rules enforced by the runtime.',
      default: {},
      properties: {
        tools: {
          type: 'object',
          default: {},
          properties: {
            allowed: {
              type: 'array',
              items: { type: 'string', pattern: TOOL_NAME_PATTERN },
              description: 'Tools the agent may call.',
            },
            deny_by_default: { type: 'boolean', default: true, description: 'Deny tools not in `allowed`.' },
          },
          additionalProperties: false,
        },
        safety: {
          type: 'object',
          default: {},
          properties: {
            redact_patterns: {
              type: 'array',
              items: { type: 'string', minLength: 1 },
              description: 'Regexes redacted from input and output. A leading (?i) makes one case-insensitive.',
            },
            max_output_chars: { type: 'integer', minimum: 1, description: 'Longer outputs are truncated (or refused when halting).' },
            block_prompt_injection: { type: 'boolean', default: true, description: 'Refuse inputs that look like prompt injection.' },
            halt_on_violation: { type: 'boolean', default: false, description: 'Answer 403 PolicyViolation instead of redacting.' },
          },
          additionalProperties: false,
        },
      },
      additionalProperties: false,
    },
    auth: {
      type: 'object',
      description: 'Who may call the agent. At least one mode must be active.',
      required: ['mode'],
      properties: {
        mode: { type: 'string', enum: AUTH_MODES, description: 'jwt, api_key or oauth2.' },
        jwt: {
          type: 'object',
          properties: {
            secret_key: { type: 'string', minLength: 16, description: 'HS256 signing secret, at least 16 characters. Use ${VAR}.' },
            expiry_minutes: { type: 'integer', minimum: 5, default: 60, description: 'Token lifetime in minutes.' },
          },
          additionalProperties: false,
        },
        api_keys: {
          type: 'object',
          properties: {
            enabled: { type: 'boolean', default: false, description: 'Accept `x-api-key` keys issued by AgentDock.' },
            rotation_days: { type: 'integer', minimum: 1, description: 'Warn when a key is older than this.' },
          },
          additionalProperties: false,
        },
        oauth2: {
          type: 'object',
          description: 'Tokens from an external identity provider.',
          properties: {
            issuer: { type: 'string', minLength: 1 },
            audience: { type: 'string', minLength: 1 },
            jwks_uri: { type: 'string', minLength: 1 },
          },
          additionalProperties: false,
        },
        roles: {
          type: 'array',
          description: 'Roles and the permissions they grant.',
          items: {
            type: 'object',
            required: ['name', 'permissions'],
            properties: {
              name: { type: 'string', pattern: ROLE_NAME_PATTERN },
              permissions: { type: 'array', items: { type: 'string', pattern: PERMISSION_PATTERN } },
            },
            additionalProperties: false,
          },
        },
        rate_limits: {
          type: 'object',
          description: "Per-role request limits, e.g. developer: '100/m'.",
          additionalProperties: { type: 'string', pattern: RATE_LIMIT_PATTERN },
        },
      },
      additionalProperties: false,
    },
    observability: {
      type: 'object',
      default: {},
      description: 'Telemetry and logging.',
      properties: {
        langfuse: {
          type: 'object',
          properties: {
            project: { type: 'string' },
            public_key: { type: 'string' },
            secret_key: { type: 'string' },
            host: { type: 'string', description: 'Self-hosted Langfuse URL.' },
          },
          additionalProperties: false,
        },
        tracing: { type: 'boolean', default: true, description: 'Spans for each node and tool.' },
        log_level: { type: 'string', enum: LOG_LEVELS, default: 'info' },
        metrics: {
          type: 'object',
          default: {},
          properties: {
            latency: { type: 'boolean', default: true },
            tokens: { type: 'boolean', default: true },
            cost: { type: 'boolean', default: true },
          },
          additionalProperties: false,
        },
      },
      additionalProperties: false,
    },
    expose: {
      type: 'object',
      description: 'How the agent is served. At least one of rest or streaming must be on.',
      properties: {
        rest: { type: 'boolean', default: true, description: 'Serve POST /invoke.' },
        streaming: { type: 'string', enum: STREAMING_MODES, default: 'sse', description: 'GET /stream transport.' },
        port: { type: 'integer', minimum: 1, maximum: 65535, default: 8080 },
        host: { type: 'string', minLength: 1, default: '0.0.0.0', description: 'Bind address inside the replica.' },
        cors: {
          type: 'object',
          properties: {
            origins: { type: 'array', items: { type: 'string' } },
            methods: { type: 'array', items: { type: 'string' } },
          },
          additionalProperties: false,
        },
      },
      additionalProperties: false,
    },
    metadata: {
      type: 'object',
      default: {},
      properties: {
        maintainer: { type: 'string' },
        version: { type: 'string' },
        tags: { type: 'array', items: { type: 'string' } },
      },
      additionalProperties: true,
    },
  },
  additionalProperties: false,
} as const;

export type DockfileSchema = typeof dockfileSchema;
