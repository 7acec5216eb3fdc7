import { describe, expect, it } from 'vitest';
import { REDACTED, redactSpecSecrets } from './spec-secrets';

describe('redactSpecSecrets', () => {
  it('replaces strings under secret-looking keys at any depth, and leaves the input alone', () => {
    const spec = {
      agent: { name: 'a', entrypoint: 'agent.mjs:run' },
      auth: { mode: 'jwt', jwt: { secret_key: 'jwt-secret-0123456789', expiry_minutes: 60 }, api_keys: { enabled: true } },
      observability: { langfuse: { public_key: 'pk-lf-1', secret_key: 'sk-lf-2', host: 'http://localhost:3000' } },
      arguments: { hf_token: 'hf_abc', credentials: { user: 'bot', pass: 'pw' }, empty_password: '', retries: 3 },
    };
    const redacted = redactSpecSecrets(spec);
    expect(redacted.auth.jwt).toEqual({ secret_key: REDACTED, expiry_minutes: 60 });
    expect(redacted.auth.api_keys).toEqual({ enabled: true });
    expect(redacted.observability.langfuse).toEqual({ public_key: 'pk-lf-1', secret_key: REDACTED, host: 'http://localhost:3000' });
    expect(redacted.arguments).toEqual({ hf_token: REDACTED, credentials: { user: REDACTED, pass: REDACTED }, empty_password: '', retries: 3 });
    expect(redacted.agent).toEqual(spec.agent);
    expect(spec.auth.jwt.secret_key).toBe('jwt-secret-0123456789');
  });

  it('leaves io_schema alone: an input field named token is data, not a secret', () => {
    const spec = { io_schema: { input: { type: 'object', properties: { token: { type: 'string', description: 'a session token' } } } } };
    expect(redactSpecSecrets(spec)).toEqual(spec);
  });
});
