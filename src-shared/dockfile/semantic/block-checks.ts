/**
 * Stage 3 (seed 004 §8.6), the cross-field rules a JSON Schema cannot say well, each with its own
 * error code: auth-mode consistency (4005), redact patterns that compile and cannot match nothing
 * (4006), telemetry credentials (4008) and exposure (4010).
 */
import type { Finding } from '../diagnostics';
import { valueAt } from '../schema-check';
import { compileRedactPattern, matchesEmptyString } from './redact-pattern';

/** Runs every block check over the loaded value (shape-tolerant: the schema stage reports shapes). */
export function checkBlocks(value: unknown): Finding[] {
  return [...checkAuth(value), ...checkRedactPatterns(value), ...checkTelemetry(value), ...checkExposure(value)];
}

function checkAuth(root: unknown): Finding[] {
  const findings: Finding[] = [];
  const mode = valueAt(root, ['auth', 'mode']);
  if (mode === 'jwt') {
    const secret = valueAt(root, ['auth', 'jwt', 'secret_key']);
    if (secret === undefined || secret === null || secret === '') {
      const hasBlock = valueAt(root, ['auth', 'jwt']) !== undefined;
      findings.push({
        segments: hasBlock ? ['auth', 'jwt', 'secret_key'] : ['auth', 'jwt'],
        prefer: 'key',
        draft: {
          code: 4005,
          path: 'auth.jwt.secret_key',
          message: 'auth.mode is jwt but auth.jwt.secret_key is missing: tokens could not be verified',
          fix: 'add auth.jwt.secret_key: "${JWT_SECRET}" and set JWT_SECRET (at least 16 characters)',
        },
      });
    }
  }
  if (mode === 'api_key' && valueAt(root, ['auth', 'api_keys', 'enabled']) !== true) {
    findings.push({
      segments: valueAt(root, ['auth', 'api_keys']) === undefined ? ['auth', 'mode'] : ['auth', 'api_keys', 'enabled'],
      draft: {
        code: 4005,
        path: 'auth.api_keys.enabled',
        message: 'auth.mode is api_key but auth.api_keys.enabled is not true: no client could authenticate',
        fix: 'add auth.api_keys: { enabled: true }',
      },
    });
  }
  if (mode === 'oauth2') {
    for (const field of ['issuer', 'audience'] as const) {
      const present = valueAt(root, ['auth', 'oauth2', field]);
      if (typeof present !== 'string' || !present) {
        findings.push({
          segments: valueAt(root, ['auth', 'oauth2']) === undefined ? ['auth', 'mode'] : ['auth', 'oauth2', field],
          prefer: 'key',
          draft: { code: 4005, path: `auth.oauth2.${field}`, message: `auth.mode is oauth2 but auth.oauth2.${field} is missing`, fix: `add auth.oauth2.${field} from your identity provider` },
        });
      }
    }
  }
  const roles = valueAt(root, ['auth', 'roles']);
  if (Array.isArray(roles)) {
    const seen = new Map<string, number>();
    roles.forEach((role, index) => {
      const name = valueAt(role, ['name']);
      if (typeof name !== 'string') return;
      const first = seen.get(name);
      if (first !== undefined) {
        findings.push({ segments: ['auth', 'roles', index, 'name'], draft: { code: 4005, path: `auth.roles[${index}].name`, message: `role ${name} is defined twice (first at auth.roles[${first}])`, fix: 'merge the two definitions' } });
      } else seen.set(name, index);
    });
  }
  return findings;
}

function checkRedactPatterns(root: unknown): Finding[] {
  const patterns = valueAt(root, ['policies', 'safety', 'redact_patterns']);
  if (!Array.isArray(patterns)) return [];
  const findings: Finding[] = [];
  patterns.forEach((pattern, index) => {
    if (typeof pattern !== 'string' || !pattern) return;
    const path = `policies.safety.redact_patterns[${index}]`;
    const compiled = compileRedactPattern(pattern);
    if (!compiled.ok) {
      findings.push({ segments: ['policies', 'safety', 'redact_patterns', index], draft: { code: 4006, path, message: `${path} invalid regex: ${compiled.message}` } });
    } else if (matchesEmptyString(compiled.pattern)) {
      findings.push({
        segments: ['policies', 'safety', 'redact_patterns', index],
        draft: { code: 4006, path, message: `${path} matches the empty string, so it would insert a redaction between every character`, fix: 'require at least one character, e.g. + instead of *' },
      });
    }
  });
  return findings;
}

function checkTelemetry(root: unknown): Finding[] {
  const langfuse = valueAt(root, ['observability', 'langfuse']);
  if (langfuse === undefined || langfuse === null || typeof langfuse !== 'object') return [];
  const findings: Finding[] = [];
  for (const field of ['public_key', 'secret_key'] as const) {
    const value = valueAt(langfuse, [field]);
    if (typeof value !== 'string' || !value) {
      findings.push({
        segments: ['observability', 'langfuse', field],
        prefer: 'key',
        draft: {
          code: 4008,
          path: `observability.langfuse.${field}`,
          message: `observability.langfuse is configured but ${field} is missing: traces could not be sent`,
          fix: `add ${field}: "\${LANGFUSE_${field === 'public_key' ? 'PUBLIC' : 'SECRET'}}", or remove the langfuse block to keep telemetry local`,
        },
      });
    }
  }
  return findings;
}

function checkExposure(root: unknown): Finding[] {
  const rest = valueAt(root, ['expose', 'rest']);
  const streaming = valueAt(root, ['expose', 'streaming']);
  if (rest === false && streaming === 'none') {
    return [
      {
        segments: ['expose'],
        prefer: 'key',
        draft: { code: 4010, path: 'expose', message: 'expose.rest is false and expose.streaming is none: the agent would serve no endpoint', fix: 'set rest: true, or streaming: sse (or websocket)' },
      },
    ];
  }
  return [];
}
