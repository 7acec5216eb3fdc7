// What the database itself refuses, whatever code talks to it: the errors here come from SQLite
// (triggers, unique indexes, foreign keys), not from the repositories.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AgentsRepository } from './agents-repository';
import { AuditRepository } from './audit-repository';
import { daysBefore } from './clock';
import { DeploymentsRepository } from './deployments-repository';
import { SecretAuditRepository } from './secret-audit-repository';
import { tempDatabase } from './test-support';
import type { TempDatabase } from './test-support';
import { VersionsRepository } from './versions-repository';

let temp: TempDatabase;
let agents: AgentsRepository;
let versions: VersionsRepository;
const hash = (n: number): string => n.toString(16).padStart(64, '0');

beforeEach(() => {
  temp = tempDatabase();
  agents = new AgentsRepository(temp.db);
  versions = new VersionsRepository(temp.db);
});
afterEach(() => temp.cleanup());

const newVersion = (agentId: string, n = 1) => versions.createOrGet({ agentId, dockfileYaml: `v: ${n}\n`, spec: { n }, contentHash: hash(n), runtimeVersion: '0.1.0', createdBy: 'tester' }).version;

describe('agent_versions are immutable', () => {
  it('refuses UPDATE of any snapshot column', () => {
    const version = newVersion(agents.create('doc_summarizer').id);
    for (const assignment of ["dockfile_yaml = 'x'", "spec_json = '{}'", `content_hash = '${hash(9)}'`, "created_by = 'mallory'", 'version_number = 7', "runtime_version = '9'"]) {
      expect(() => temp.db.sql.prepare(`UPDATE agent_versions SET ${assignment} WHERE id = ?`).run(version.id), assignment).toThrow(
        expect.objectContaining({ code: 'SQLITE_CONSTRAINT_TRIGGER', message: 'agent_versions are immutable: register a new version instead' }),
      );
    }
    expect(versions.get(version.id)).toEqual(version);
  });

  it('refuses DELETE while the agent exists, even of a deleted agent', () => {
    const agent = agents.create('doc_summarizer');
    const version = newVersion(agent.id);
    expect(() => temp.db.sql.prepare('DELETE FROM agent_versions WHERE id = ?').run(version.id)).toThrow(expect.objectContaining({ code: 'SQLITE_CONSTRAINT_TRIGGER' }));
    agents.softDelete(agent.id);
    expect(() => temp.db.sql.prepare('DELETE FROM agent_versions').run()).toThrow(/versions are removed only by purging their agent/);
    expect(versions.get(version.id)).toBeDefined();
  });

  it('lets an image be attached once, never replaced', () => {
    const version = newVersion(agents.create('doc_summarizer').id);
    temp.db.sql.prepare("UPDATE agent_versions SET image_ref = 'agentdock/doc:v1', image_id = 'sha256:aa' WHERE id = ?").run(version.id);
    expect(() => temp.db.sql.prepare("UPDATE agent_versions SET image_ref = 'evil', image_id = 'sha256:bb' WHERE id = ?").run(version.id)).toThrow(/immutable/);
    expect(() => temp.db.sql.prepare('UPDATE agent_versions SET image_ref = NULL, image_id = NULL WHERE id = ?').run(version.id)).toThrow(/immutable/);
    // Attaching while changing anything else is refused too.
    const other = newVersion(version.agentId, 2);
    expect(() => temp.db.sql.prepare("UPDATE agent_versions SET image_ref = 'x', image_id = 'y', dockfile_yaml = 'z' WHERE id = ?").run(other.id)).toThrow(/immutable/);
    expect(versions.get(version.id)?.image).toEqual({ ref: 'agentdock/doc:v1', id: 'sha256:aa' });
  });

  it('removes versions only when their agent is purged, with its deployments', () => {
    const agent = agents.create('doc_summarizer');
    const version = newVersion(agent.id);
    new DeploymentsRepository(temp.db).create({ agentId: agent.id, versionId: version.id, targetKind: 'process', environment: 'dev', replicas: 1, trust: 'STANDARD', createdBy: 'tester' });
    agents.softDelete(agent.id);
    agents.purge(agent.id);
    expect(temp.db.sql.prepare('SELECT count(*) AS n FROM agent_versions').get()).toEqual({ n: 0 });
    expect(temp.db.sql.prepare('SELECT count(*) AS n FROM deployments').get()).toEqual({ n: 0 });
    expect(temp.db.checkIntegrity().ok).toBe(true);
  });
});

describe('audit logs are append-only', () => {
  for (const table of ['audit_log', 'secret_audit_log'] as const) {
    it(`${table}: refuses UPDATE of any row and DELETE outside retention`, () => {
      const old = temp.clock.ms;
      temp.clock.advanceDays(-40);
      if (table === 'audit_log') new AuditRepository(temp.db).record({ actor: 'ann', role: 'admin', action: 'deploy:create', target: 'agent:a', success: true });
      else new SecretAuditRepository(temp.db).record({ operation: 'CREATE', secretName: 'K', requesterRole: 'admin', actor: 'ann', success: true });
      temp.clock.ms = old;
      const { sql } = temp.db;
      expect(() => sql.prepare(`UPDATE ${table} SET actor = 'mallory'`).run()).toThrow(expect.objectContaining({ code: 'SQLITE_CONSTRAINT_TRIGGER', message: `${table} is append-only: rows cannot be changed` }));
      expect(() => sql.prepare(`UPDATE ${table} SET success = 1 - success`).run()).toThrow(/append-only/);
      // Even a 40-day-old row cannot be deleted without the retention guard.
      expect(() => sql.prepare(`DELETE FROM ${table}`).run()).toThrow(expect.objectContaining({ code: 'SQLITE_CONSTRAINT_TRIGGER' }));
      expect(sql.prepare(`SELECT count(*) AS n FROM ${table}`).get()).toEqual({ n: 1 });
    });

    it(`${table}: refuses to delete a recent row even when the guard is forced open`, () => {
      if (table === 'audit_log') new AuditRepository(temp.db).record({ actor: 'ann', role: 'admin', action: 'key:revoke', target: 'key:k', success: true });
      else new SecretAuditRepository(temp.db).record({ operation: 'READ', secretName: 'K', requesterRole: 'viewer', actor: 'bob', success: true });
      const { sql } = temp.db;
      sql.prepare('UPDATE retention_guard SET cutoff = ? WHERE table_name = ?').run(daysBefore(Date.now(), -365), table);
      expect(() => sql.prepare(`DELETE FROM ${table}`).run()).toThrow(/only the retention job deletes rows, and only old ones/);
      expect(sql.prepare(`SELECT count(*) AS n FROM ${table}`).get()).toEqual({ n: 1 });
    });
  }
});

describe('unique names and one active deployment', () => {
  it('refuses a second agent whose resource name collides (a_b next to a-b)', () => {
    agents.create('lead_gen');
    expect(() => agents.create('lead-gen')).toThrow(expect.objectContaining({ code: 'E2007', message: expect.stringContaining('which agent "lead_gen" already uses') }));
    expect(() => temp.db.sql.prepare("INSERT INTO agents (id, name, resource_name, created_at) VALUES ('ag_x', 'lead-gen', 'lead-gen', ?)").run(temp.db.now())).toThrow(
      expect.objectContaining({ code: 'SQLITE_CONSTRAINT_UNIQUE' }),
    );
    expect(() => agents.create('lead_gen')).toThrow(expect.objectContaining({ code: 'E2007', message: 'An agent named "lead_gen" already exists. Choose another name, or delete the existing agent first.' }));
  });

  it('frees the names of a deleted agent', () => {
    const first = agents.create('lead_gen');
    agents.softDelete(first.id);
    const second = agents.create('lead-gen');
    expect(second.id).not.toBe(first.id);
    expect(() => agents.restore(first.id)).toThrow(expect.objectContaining({ code: 'E2007' }));
  });

  it('allows one active deployment per agent and target', () => {
    const agent = agents.create('doc');
    const version = newVersion(agent.id);
    const insert = (id: string, targetRef: string) =>
      temp.db.sql
        .prepare("INSERT INTO deployments (id, agent_id, version_id, target_kind, target_ref, environment, status, replicas, trust, created_by, created_at, updated_at) VALUES (?, ?, ?, 'docker', ?, 'dev', 'active', 1, 'STANDARD', 't', ?, ?)")
        .run(id, agent.id, version.id, targetRef, temp.db.now(), temp.db.now());
    insert('dep_1', 'default');
    expect(() => insert('dep_2', 'default')).toThrow(expect.objectContaining({ code: 'SQLITE_CONSTRAINT_UNIQUE', message: expect.stringContaining('deployments.agent_id, deployments.target_kind, deployments.target_ref') }));
    insert('dep_3', 'other-context');
  });

  it("refuses a deployment of another agent's version", () => {
    const a = agents.create('a');
    const b = agents.create('b');
    const version = newVersion(a.id);
    expect(() => new DeploymentsRepository(temp.db).create({ agentId: b.id, versionId: version.id, targetKind: 'process', environment: 'dev', replicas: 1, trust: 'STANDARD', createdBy: 't' })).toThrow(
      expect.objectContaining({ code: 'E2003' }),
    );
  });
});
