/** Fixtures for the auth tests: a frozen spec built by the real validator, and keys. */
import validateSchema from '../../../src-shared/dockfile/generated/dockfile-schema-validator.js';
import type { DockSpec } from '../../../src-shared/dockfile/types';
import type { ApiKeyRecord } from '../config/keys-file';
import { generateApiKey } from './api-keys';

export const TEST_SECRET = 'test-secret-0123456789abcdef';

/** A frozen spec with the given auth block (defaults filled by the generated validator). */
export function specWithAuth(auth: Record<string, unknown>): DockSpec {
  const spec: unknown = {
    version: '1.0',
    agent: { name: 'probe-agent', entrypoint: 'app:run', framework: 'langgraph' },
    model: { provider: 'openai', name: 'gpt-4o-mini' },
    io_schema: { input: { type: 'object' }, output: { type: 'object' } },
    auth,
    expose: { rest: true },
  };
  if (!validateSchema(spec)) throw new Error(`fixture spec invalid: ${JSON.stringify(validateSchema.errors)}`);
  return spec as DockSpec;
}

/** A fresh key and its keys.json record. */
export function issueKey(id: string, role: string, extra: Partial<ApiKeyRecord> = {}): { raw: string; record: ApiKeyRecord } {
  const key = generateApiKey();
  return { raw: key.raw, record: { id, hash: key.hash, role, ...extra } };
}
