/**
 * Immutable agent versions (v1, v2…): the Dockfile snapshot, the frozen spec, the content hash of
 * what was built, the image, the runtime version and who made it. The database refuses changes
 * (triggers in migration 1); the only write after insert is attaching an image to a version that
 * had none. The same content hash for the same agent is the same version.
 */
import { CoreError } from '../contracts';
import type { StoreDatabase } from './database';
import { newId } from './ids';

export interface AgentVersion {
  id: string;
  agentId: string;
  /** 1, 2, 3… per agent. */
  number: number;
  /** `v${number}`, what people type and read. */
  label: string;
  dockfileYaml: string;
  /** The frozen DockSpec as stored (canonical JSON text). */
  specJson: string;
  contentHash: string;
  image?: { ref: string; id: string };
  runtimeVersion: string;
  createdBy: string;
  createdAt: string;
}

export interface NewAgentVersion {
  agentId: string;
  dockfileYaml: string;
  /** The frozen DockSpec; stored as JSON. */
  spec: unknown;
  /** SHA-256 hex of the build inputs (BuildArtifact.contentHash). */
  contentHash: string;
  image?: { ref: string; id: string };
  runtimeVersion: string;
  createdBy: string;
}

interface VersionRow {
  id: string;
  agent_id: string;
  version_number: number;
  dockfile_yaml: string;
  spec_json: string;
  content_hash: string;
  image_ref: string | null;
  image_id: string | null;
  runtime_version: string;
  created_by: string;
  created_at: string;
}

const toVersion = (row: VersionRow): AgentVersion => ({
  id: row.id,
  agentId: row.agent_id,
  number: row.version_number,
  label: `v${row.version_number}`,
  dockfileYaml: row.dockfile_yaml,
  specJson: row.spec_json,
  contentHash: row.content_hash,
  ...(row.image_ref !== null && row.image_id !== null ? { image: { ref: row.image_ref, id: row.image_id } } : {}),
  runtimeVersion: row.runtime_version,
  createdBy: row.created_by,
  createdAt: row.created_at,
});

const HASH = /^[0-9a-f]{64}$/;

/** Reads and registers versions. */
export class VersionsRepository {
  constructor(private readonly db: StoreDatabase) {}

  /**
   * The agent's version with this content hash, registering it as the next number if there is
   * none — in one write transaction, so two concurrent deploys of the same inputs make one version.
   * An existing version without an image gets `input.image` attached.
   */
  createOrGet(input: NewAgentVersion): { version: AgentVersion; created: boolean } {
    if (!HASH.test(input.contentHash)) throw new CoreError('E2002', `The content hash must be 64 lowercase hex digits (SHA-256), got "${input.contentHash}".`);
    const specJson = JSON.stringify(input.spec);
    if (specJson === undefined) throw new CoreError('E2001', 'The frozen spec cannot be stored as JSON.');
    return this.db.write(() => {
      const existing = this.findByHash(input.agentId, input.contentHash);
      if (existing) {
        if (!existing.image && input.image) return { version: this.attachImage(existing.id, input.image), created: false };
        return { version: existing, created: false };
      }
      const next = (this.db.sql.prepare('SELECT coalesce(max(version_number), 0) + 1 AS next FROM agent_versions WHERE agent_id = ?').get(input.agentId) as { next: number }).next;
      const row: VersionRow = {
        id: newId('ver', this.db.clock),
        agent_id: input.agentId,
        version_number: next,
        dockfile_yaml: input.dockfileYaml,
        spec_json: specJson,
        content_hash: input.contentHash,
        image_ref: input.image?.ref ?? null,
        image_id: input.image?.id ?? null,
        runtime_version: input.runtimeVersion,
        created_by: input.createdBy,
        created_at: this.db.now(),
      };
      try {
        this.db.sql
          .prepare(
            `INSERT INTO agent_versions (id, agent_id, version_number, dockfile_yaml, spec_json, content_hash, image_ref, image_id, runtime_version, created_by, created_at)
             VALUES (@id, @agent_id, @version_number, @dockfile_yaml, @spec_json, @content_hash, @image_ref, @image_id, @runtime_version, @created_by, @created_at)`,
          )
          .run(row);
      } catch (error) {
        if ((error as { code?: unknown }).code === 'SQLITE_CONSTRAINT_FOREIGNKEY') throw new CoreError('E2004', `No agent with id ${input.agentId}.`, { agentId: input.agentId });
        throw error;
      }
      return { version: toVersion(row), created: true };
    });
  }

  /** Records the image built for a version that had none; refused (by the database) if it has one. */
  attachImage(versionId: string, image: { ref: string; id: string }): AgentVersion {
    return this.db.write(() => {
      const version = this.get(versionId);
      if (!version) throw new CoreError('E2003', `No version with id ${versionId}.`, { versionId });
      if (version.image) {
        if (version.image.ref === image.ref && version.image.id === image.id) return version;
        throw new CoreError('E2002', `${version.label} already has the image ${version.image.ref}; versions are immutable, so a different build is a new version.`, { versionId });
      }
      this.db.sql.prepare('UPDATE agent_versions SET image_ref = ?, image_id = ? WHERE id = ?').run(image.ref, image.id, versionId);
      return { ...version, image: { ...image } };
    });
  }

  get(id: string): AgentVersion | undefined {
    const row = this.db.sql.prepare('SELECT * FROM agent_versions WHERE id = ?').get(id) as VersionRow | undefined;
    return row && toVersion(row);
  }

  findByHash(agentId: string, contentHash: string): AgentVersion | undefined {
    const row = this.db.sql.prepare('SELECT * FROM agent_versions WHERE agent_id = ? AND content_hash = ?').get(agentId, contentHash) as VersionRow | undefined;
    return row && toVersion(row);
  }

  /** A version by number (`3`) or label (`v3`, `V3`). */
  findByLabel(agentId: string, label: string | number): AgentVersion | undefined {
    const number = typeof label === 'number' ? label : Number(/^[vV]?(\d+)$/.exec(label.trim())?.[1]);
    if (!Number.isSafeInteger(number)) return undefined;
    const row = this.db.sql.prepare('SELECT * FROM agent_versions WHERE agent_id = ? AND version_number = ?').get(agentId, number) as VersionRow | undefined;
    return row && toVersion(row);
  }

  /** Like findByLabel, or E2003 listing what exists. */
  require(agentId: string, label: string | number): AgentVersion {
    const version = this.findByLabel(agentId, label);
    if (version) return version;
    const known = this.list(agentId).map((each) => each.label);
    throw new CoreError('E2003', `No version ${String(label)} of this agent. ${known.length ? `It has ${known.join(', ')}.` : 'It has no versions yet: deploy it first.'}`, { label, known });
  }

  /** The agent's versions, newest first. */
  list(agentId: string): AgentVersion[] {
    return (this.db.sql.prepare('SELECT * FROM agent_versions WHERE agent_id = ? ORDER BY version_number DESC').all(agentId) as VersionRow[]).map(toVersion);
  }

  latest(agentId: string): AgentVersion | undefined {
    const row = this.db.sql.prepare('SELECT * FROM agent_versions WHERE agent_id = ? ORDER BY version_number DESC LIMIT 1').get(agentId) as VersionRow | undefined;
    return row && toVersion(row);
  }
}
