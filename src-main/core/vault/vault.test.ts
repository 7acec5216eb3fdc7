// The vault's behaviour over a real database: CRUD per environment and scope, roles, masking,
// soft delete, what a runtime receives, and one audit row per call.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AgentsRepository } from '../store/agents-repository';
import { tempDatabase } from '../store/test-support';
import type { TempDatabase } from '../store/test-support';
import { generateMasterKey, StaticKeyProvider } from './master-key';
import { Vault } from './vault';
import type { SecretCaller } from './vault';

let temp: TempDatabase;
let vault: Vault;
let agentId: string;
const admin: SecretCaller = { actor: 'ann', role: 'admin' };
const viewer: SecretCaller = { actor: 'vic', role: 'viewer' };
const OPENAI = `sk-proj-abc${'0123456789'.repeat(8)}xyz`;

beforeEach(() => {
  temp = tempDatabase();
  vault = new Vault(temp.db, new StaticKeyProvider(generateMasterKey()));
  agentId = new AgentsRepository(temp.db).create('lead_gen').id;
});
afterEach(() => temp.cleanup());

describe('Vault', () => {
  it('creates, reads back, updates and lists a secret', async () => {
    const { secret, created } = await vault.set('OPENAI_API_KEY', OPENAI, { environment: 'prod', ...admin });
    expect(created).toBe(true);
    expect(secret).toMatchObject({ name: 'OPENAI_API_KEY', environment: 'prod', masked: 'sk-proj-abc...xyz', keyVersion: 1, createdBy: 'ann' });
    expect(secret.id).toMatch(/^sec_/);
    expect(await vault.get('OPENAI_API_KEY', { environment: 'prod', ...admin })).toMatchObject({ value: OPENAI, revealed: true });
    temp.clock.advance(1000);
    const updated = await vault.set('OPENAI_API_KEY', `${OPENAI}-2`, { environment: 'prod', ...admin });
    expect(updated).toMatchObject({ created: false, secret: { id: secret.id } });
    expect(updated.secret.updatedAt > secret.updatedAt).toBe(true);
    expect((await vault.get('OPENAI_API_KEY', { environment: 'prod', ...admin })).value).toBe(`${OPENAI}-2`);
    const rotated = await vault.rotate('OPENAI_API_KEY', OPENAI, { environment: 'prod', ...admin });
    expect(rotated.id).toBe(secret.id);
    expect((await vault.list({ ...viewer })).map((each) => [each.name, each.masked])).toEqual([['OPENAI_API_KEY', 'sk-proj-abc...xyz']]);
  });

  it('keeps environments and agent scopes apart', async () => {
    await vault.set('DB_PASSWORD', 'dev-password-000000', { environment: 'dev', ...admin });
    await vault.set('DB_PASSWORD', 'prod-password-11111', { environment: 'prod', ...admin });
    await vault.set('DB_PASSWORD', 'agent-prod-password', { environment: 'prod', agentId, ...admin });
    expect((await vault.get('DB_PASSWORD', { environment: 'dev', ...admin })).value).toBe('dev-password-000000');
    expect((await vault.get('DB_PASSWORD', { environment: 'prod', ...admin })).value).toBe('prod-password-11111');
    expect((await vault.get('DB_PASSWORD', { environment: 'prod', agentId, ...admin })).value).toBe('agent-prod-password');
    expect(await vault.list({ ...admin, environment: 'prod', agentId: null })).toHaveLength(1);
    expect(await vault.list({ ...admin, agentId })).toHaveLength(1);
    await expect(vault.get('DB_PASSWORD', { environment: 'dev', agentId, ...admin })).rejects.toMatchObject({ code: 'E2031' });
  });

  it('gives a runtime its environment: global secrets, overridden by its own', async () => {
    await vault.set('OPENAI_API_KEY', 'global-prod-openai-key', { environment: 'prod', ...admin });
    await vault.set('CLEARBIT_KEY', 'global-prod-clearbit', { environment: 'prod', ...admin });
    await vault.set('OPENAI_API_KEY', 'agent-own-openai-key', { environment: 'prod', agentId, ...admin });
    await vault.set('OPENAI_API_KEY', 'dev-openai-key-00000', { environment: 'dev', ...admin });
    const other = new AgentsRepository(temp.db).create('other').id;
    await vault.set('OTHER_ONLY', 'someone-elses-secret', { environment: 'prod', agentId: other, ...admin });
    expect(await vault.resolveForRuntime(agentId, 'prod')).toEqual({ OPENAI_API_KEY: 'agent-own-openai-key', CLEARBIT_KEY: 'global-prod-clearbit' });
    expect(await vault.resolveForRuntime(agentId, 'dev')).toEqual({ OPENAI_API_KEY: 'dev-openai-key-00000' });
    const trail = vault.auditTrail({ operation: 'RESOLVE' });
    expect(trail.filter((entry) => entry.environment === 'prod').map((entry) => [entry.secretName, entry.requesterRole, entry.actor])).toEqual(
      expect.arrayContaining([
        ['OPENAI_API_KEY', 'agent', `agent:${agentId}`],
        ['CLEARBIT_KEY', 'agent', `agent:${agentId}`],
      ]),
    );
  });

  it('masks values for viewers and refuses them changes', async () => {
    await vault.set('OPENAI_API_KEY', OPENAI, { environment: 'prod', ...admin });
    const seen = await vault.get('OPENAI_API_KEY', { environment: 'prod', ...viewer });
    expect(seen).toMatchObject({ value: 'sk-proj-abc...xyz', masked: 'sk-proj-abc...xyz', revealed: false });
    expect(JSON.stringify(seen)).not.toContain(OPENAI);
    expect((await vault.get('OPENAI_API_KEY', { environment: 'prod', actor: 'runtime', role: 'agent' })).value).toBe(OPENAI);
    await expect(vault.set('OPENAI_API_KEY', 'sk-new-value-000000', { environment: 'prod', ...viewer })).rejects.toMatchObject({ code: 'E2040' });
    await expect(vault.delete('OPENAI_API_KEY', { environment: 'prod', ...viewer })).rejects.toMatchObject({ code: 'E2040' });
    await expect(vault.set('X', 'agent-cannot-write-this', { environment: 'prod', actor: 'runtime', role: 'agent' })).rejects.toMatchObject({ code: 'E2040' });
    expect((await vault.get('OPENAI_API_KEY', { environment: 'prod', ...admin })).value).toBe(OPENAI);
    const refused = vault.auditTrail({ success: false });
    expect(refused.map((entry) => [entry.operation, entry.requesterRole])).toEqual([
      ['CREATE', 'agent'],
      ['DELETE', 'viewer'],
      ['UPDATE', 'viewer'],
    ]);
    expect(refused[0]?.errorMessage).toMatch(/^E2040: The agent role may not set secrets/);
  });

  it('soft-deletes: the secret stops reaching agents, its audit trail stays, and it can be restored', async () => {
    await vault.set('OPENAI_API_KEY', OPENAI, { environment: 'prod', ...admin });
    const deleted = await vault.delete('OPENAI_API_KEY', { environment: 'prod', ...admin });
    expect(deleted.deletedAt).toBe(temp.db.now());
    await expect(vault.get('OPENAI_API_KEY', { environment: 'prod', ...admin })).rejects.toMatchObject({ code: 'E2031' });
    expect(await vault.list({ ...admin })).toEqual([]);
    expect((await vault.list({ ...admin, includeDeleted: true })).map((each) => each.deletedAt)).toEqual([deleted.deletedAt]);
    expect(await vault.resolveForRuntime(agentId, 'prod')).toEqual({});
    expect(temp.db.sql.prepare('SELECT count(*) AS n FROM secrets').get()).toEqual({ n: 1 });
    expect(vault.auditTrail({ secretName: 'OPENAI_API_KEY' }).map((entry) => [entry.operation, entry.success])).toEqual([
      ['READ', false],
      ['DELETE', true],
      ['CREATE', true],
    ]);
    // A new secret may take the name; restoring the old one then collides.
    await vault.set('OPENAI_API_KEY', 'replacement-value-000', { environment: 'prod', ...admin });
    await expect(vault.restore('OPENAI_API_KEY', { environment: 'prod', ...admin })).rejects.toMatchObject({ code: 'E2007' });
    temp.clock.advance(1000);
    await vault.delete('OPENAI_API_KEY', { environment: 'prod', ...admin });
    await vault.restore('OPENAI_API_KEY', { environment: 'prod', ...admin });
    expect((await vault.get('OPENAI_API_KEY', { environment: 'prod', ...admin })).value).toBe('replacement-value-000');
  });

  it('writes one audit row per call with the seed 002 fields and never a value', async () => {
    await vault.set('OPENAI_API_KEY', OPENAI, { environment: 'prod', ...admin });
    await vault.get('OPENAI_API_KEY', { environment: 'prod', ...viewer });
    await vault.list({ ...viewer });
    await expect(vault.get('MISSING', { environment: 'prod', ...viewer })).rejects.toMatchObject({ code: 'E2031' });
    const trail = vault.auditTrail();
    expect(trail.map((entry) => [entry.operation, entry.secretName, entry.requesterRole, entry.success])).toEqual([
      ['READ', 'MISSING', 'viewer', false],
      ['LIST', undefined, 'viewer', true],
      ['READ', 'OPENAI_API_KEY', 'viewer', true],
      ['CREATE', 'OPENAI_API_KEY', 'admin', true],
    ]);
    expect(trail[3]).toMatchObject({ id: expect.any(Number), environment: 'prod', actor: 'ann', createdAt: expect.any(String) });
    const rows = JSON.stringify(temp.db.sql.prepare('SELECT * FROM secret_audit_log').all());
    expect(rows).not.toContain(OPENAI);
    expect(rows).not.toContain(OPENAI.slice(11, 40));
  });

  it('holds salts and nonces unique in the database itself', async () => {
    await vault.set('FIRST', 'first-value-00000', { environment: 'dev', ...admin });
    await vault.set('SECOND', 'second-value-0000', { environment: 'dev', ...admin });
    for (const column of ['salt', 'nonce']) {
      expect(() => temp.db.sql.prepare(`UPDATE secrets SET ${column} = (SELECT ${column} FROM secrets WHERE name = 'FIRST') WHERE name = 'SECOND'`).run()).toThrow(
        expect.objectContaining({ code: 'SQLITE_CONSTRAINT_UNIQUE' }),
      );
    }
  });

  it('validates names and values without echoing the value', async () => {
    await expect(vault.set('1BAD', 'value-value', { environment: 'dev', ...admin })).rejects.toMatchObject({ code: 'E2001' });
    await expect(vault.set('HAS-DASH', 'value-value', { environment: 'dev', ...admin })).rejects.toMatchObject({ code: 'E2001' });
    await expect(vault.set('EMPTY', '', { environment: 'dev', ...admin })).rejects.toMatchObject({ code: 'E2001' });
    const huge = 'S'.repeat(64 * 1024 + 1);
    const error = (await vault.set('HUGE', huge, { environment: 'dev', ...admin }).then(
      () => undefined,
      (caught: unknown) => caught,
    )) as Error;
    expect(error).toMatchObject({ code: 'E2001' });
    expect(error.message.length).toBeLessThan(200);
    await expect(vault.set('GHOST', 'value-value', { environment: 'dev', agentId: 'ag_missing', ...admin })).rejects.toMatchObject({ code: 'E2004' });
  });
});
