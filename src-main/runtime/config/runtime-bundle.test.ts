import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RuntimeConfigError } from './config-error';
import { loadRuntimeBundle } from './runtime-bundle';
import { secretsModeWarning } from './secrets-file';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const HASH = 'a'.repeat(64);
const SECRET = 'jwt-secret-from-secrets-file-0123';
const spec = {
  version: '1.0',
  agent: { name: 'probe-agent', entrypoint: 'app:run', framework: 'langgraph' },
  model: { provider: 'openai', name: 'gpt-4o-mini' },
  io_schema: { input: { type: 'object' }, output: { type: 'object' } },
  auth: { mode: 'jwt', jwt: { secret_key: 'spec-secret-0123456789' }, api_keys: { enabled: true } },
  expose: { rest: true },
};
const settings = { agentVersion: '1.2.0', projectDir: '/app', language: 'python' };

/** A bundle directory; `files` maps a name to its JSON value, or to raw text when a string. */
function bundle(files: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), 'agentdock-bundle-'));
  dirs.push(dir);
  for (const [name, value] of Object.entries({ 'spec.json': spec, 'runtime.json': settings, ...files })) {
    if (value === undefined) continue;
    writeFileSync(join(dir, name), typeof value === 'string' ? value : JSON.stringify(value), { mode: 0o600 });
  }
  return dir;
}

async function failure(dir: string): Promise<RuntimeConfigError> {
  const error = await loadRuntimeBundle(dir).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(RuntimeConfigError);
  return error as RuntimeConfigError;
}

describe('loadRuntimeBundle', () => {
  it('reads every file of a complete bundle', async () => {
    const full = {
      ...settings,
      budget: { limitUsd: 5, warnRatio: 0.8 },
      prices: { 'gpt-4o-mini': { inputPerMillion: 0.15, outputPerMillion: 0.6 } },
      provider: { mode: 'simulated', openaiBaseUrl: 'http://127.0.0.1:9999/v1', simulated: { seed: 1 } },
      limits: { maxBodyBytes: 1_048_576, requestTimeoutMs: 30_000 },
      pythonPath: '/usr/bin/python3',
    };
    const keys = { keys: [{ id: 'k1', hash: HASH.toUpperCase(), role: 'developer', revoked: false, createdAt: '2025-01-01T00:00:00Z', lastUsedAt: 'later' }] };
    const secrets = { jwtSecret: SECRET, providerKeys: { openai: 'sk-test' }, auditHashKey: 'audit-key-0123456789', env: { FOO: 'bar' } };
    const loaded = await loadRuntimeBundle(bundle({ 'runtime.json': full, 'keys.json': keys, 'secrets.json': secrets }));
    expect(loaded.spec.agent.name).toBe('probe-agent');
    expect(loaded.spec.expose.port).toBe(8080);
    expect(loaded.settings).toEqual(full);
    expect(loaded.keys.keys).toEqual([{ id: 'k1', hash: HASH, role: 'developer', revoked: false, createdAt: '2025-01-01T00:00:00Z' }]);
    expect(loaded.secrets).toEqual(secrets);
    expect(loaded.warnings).toEqual([]);
    expect(Object.isFrozen(loaded.keys.keys[0])).toBe(true);
    expect(Object.isFrozen(loaded.secrets.env)).toBe(true);
  });

  it('defaults absent keys.json and secrets.json to no keys and no secrets', async () => {
    const loaded = await loadRuntimeBundle(bundle({}));
    expect(loaded.keys).toEqual({ keys: [] });
    expect(loaded.secrets).toEqual({});
  });

  it('warns when jwt mode has no secret anywhere', async () => {
    const noSecret = { ...spec, auth: { mode: 'jwt', api_keys: { enabled: true } } };
    const loaded = await loadRuntimeBundle(bundle({ 'spec.json': noSecret }));
    expect(loaded.warnings).toEqual([expect.stringMatching(/every bearer token will be refused/)]);
  });

  it('requires runtime.json and says so', async () => {
    const error = await failure(bundle({ 'runtime.json': undefined }));
    expect(error.message).toMatch(/runtime\.json: ENOENT; redeploy/);
  });

  it('names the file, the field and the fix for a wrong runtime.json', async () => {
    expect((await failure(bundle({ 'runtime.json': { ...settings, language: 'ruby' } }))).message).toMatch(/runtime\.json: language must be one of python, javascript, typescript \(got a string\); redeploy/);
    expect((await failure(bundle({ 'runtime.json': { ...settings, projectDir: 'app' } }))).message).toMatch(/projectDir must be an absolute path/);
    expect((await failure(bundle({ 'runtime.json': { ...settings, limtis: {} } }))).message).toMatch(/limtis must be absent: the known fields are/);
    expect((await failure(bundle({ 'runtime.json': { ...settings, budget: { limitUsd: -1 } } }))).message).toMatch(/budget\.limitUsd must be a number ≥ 0/);
    expect((await failure(bundle({ 'runtime.json': { ...settings, prices: { m: { inputPerMillion: '1' } } } }))).message).toMatch(/prices\.m\.inputPerMillion must be a number/);
    expect((await failure(bundle({ 'runtime.json': { ...settings, provider: { mode: 'forward', openaiBaseUrl: 'file:///etc/passwd' } } }))).message).toMatch(/provider\.openaiBaseUrl must be an http\(s\) URL/);
    expect((await failure(bundle({ 'runtime.json': '{"agentVersion": ' }))).message).toMatch(/runtime\.json is not valid JSON/);
  });

  it('refuses a spec that is not a valid frozen Dockfile, saying where', async () => {
    expect((await failure(bundle({ 'spec.json': { ...spec, expose: { rest: 'yes' } } }))).message).toMatch(/spec\.json is not a valid frozen Dockfile: \/expose\/rest must be boolean/);
  });

  it('refuses bad keys: hash format, duplicate ids and hashes', async () => {
    const key = { id: 'k1', hash: HASH, role: 'viewer' };
    expect((await failure(bundle({ 'keys.json': { keys: [{ ...key, hash: 'abc' }] } }))).message).toMatch(/keys\.json: keys\[0\]\.hash must be the SHA-256 of the raw key as 64 hex digits/);
    expect((await failure(bundle({ 'keys.json': { keys: [key, { ...key, hash: 'b'.repeat(64) }] } }))).message).toMatch(/keys\[1\]\.id must be unique \(keys\[0\] has the same id\)/);
    expect((await failure(bundle({ 'keys.json': { keys: [key, { ...key, id: 'k2' }] } }))).message).toMatch(/keys\[1\]\.hash must be unique/);
    expect((await failure(bundle({ 'keys.json': { keys: [{ ...key, expiresAt: 'next week' }] } }))).message).toMatch(/expiresAt must be an ISO-8601 time/);
  });

  it('never puts a secret value in an error message', async () => {
    const shortSecret = 'tooshort-xyz';
    const short = await failure(bundle({ 'secrets.json': { jwtSecret: shortSecret } }));
    expect(short.message).toMatch(/secrets\.json: jwtSecret must be a string of at least 16 characters/);
    expect(short.message).not.toContain(shortSecret);
    const broken = await failure(bundle({ 'secrets.json': `{"jwtSecret": ${SECRET}}` }));
    expect(broken.message).toMatch(/secrets\.json is not valid JSON; redeploy/);
    expect(broken.message).not.toContain(SECRET.slice(0, 8));
    const trailing = await failure(bundle({ 'secrets.json': `{"jwtSecret": "${SECRET}",}` }));
    expect(trailing.message).toMatch(/secrets\.json is not valid JSON \(line 1, column \d+\)/);
    expect(trailing.message).not.toContain(SECRET.slice(0, 8));
    const wrongType = await failure(bundle({ 'secrets.json': { providerKeys: { openai: 12345678 } } }));
    expect(wrongType.message).toMatch(/providerKeys\.openai must be a non-empty string \(got a number\)/);
    expect(wrongType.message).not.toContain('12345678');
  });

  it('warns, without the values, when secrets.json is open to group or others', async () => {
    const dir = bundle({ 'secrets.json': { jwtSecret: SECRET } });
    const file = join(dir, 'secrets.json');
    chmodSync(file, 0o644);
    const loaded = await loadRuntimeBundle(dir);
    if (process.platform === 'win32') {
      expect(loaded.warnings).toEqual([]);
    } else {
      expect(loaded.warnings).toEqual([expect.stringMatching(/secrets\.json is readable or writable by group or others \(mode 0644\): run chmod 600/)]);
      expect(loaded.warnings.join('')).not.toContain(SECRET);
      chmodSync(file, 0o600);
      expect(await secretsModeWarning(file)).toBeUndefined();
    }
    expect(await secretsModeWarning(file, 'win32')).toBeUndefined();
  });
});
