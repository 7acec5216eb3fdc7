/**
 * Agents: a name and its DNS-safe resource name, each unique among live agents. Deleting is soft
 * (the agent's versions, deployments and audit stay readable); purging removes the agent and, by
 * cascade, its versions, deployments, keys, secrets and telemetry — the audit logs remain.
 */
import { isDnsLabel, toResourceName } from '../../../src-shared/dockfile/names';
import { CoreError } from '../contracts';
import type { StoreDatabase } from './database';
import { newId } from './ids';
import { uniqueViolation } from './sqlite-errors';

export interface Agent {
  id: string;
  name: string;
  resourceName: string;
  createdAt: string;
  deletedAt?: string;
}

interface AgentRow {
  id: string;
  name: string;
  resource_name: string;
  created_at: string;
  deleted_at: string | null;
}

const toAgent = (row: AgentRow): Agent => ({
  id: row.id,
  name: row.name,
  resourceName: row.resource_name,
  createdAt: row.created_at,
  ...(row.deleted_at !== null ? { deletedAt: row.deleted_at } : {}),
});

/** Reads and writes the `agents` table. */
export class AgentsRepository {
  constructor(private readonly db: StoreDatabase) {}

  /** Registers a new agent; E2007 when its name or resource name is taken by a live agent. */
  create(name: string): Agent {
    const resourceName = toResourceName(name);
    if (!isDnsLabel(resourceName)) {
      throw new CoreError('E2001', `"${name}" is not a valid agent name: use lowercase letters, digits, "-" and "_", starting with a letter, at most 63 characters.`, { name });
    }
    const agent: Agent = { id: newId('ag', this.db.clock), name, resourceName, createdAt: this.db.now() };
    return this.db.write(() => {
      try {
        this.db.sql.prepare('INSERT INTO agents (id, name, resource_name, created_at) VALUES (?, ?, ?, ?)').run(agent.id, name, resourceName, agent.createdAt);
      } catch (error) {
        throw this.collision(error, name, resourceName);
      }
      return agent;
    });
  }

  /** The live agent called `name`, registering it first if there is none. */
  getOrCreate(name: string): { agent: Agent; created: boolean } {
    return this.db.write(() => {
      const existing = this.findByName(name);
      return existing ? { agent: existing, created: false } : { agent: this.create(name), created: true };
    });
  }

  /** An agent by id, deleted or not. */
  get(id: string): Agent | undefined {
    const row = this.db.sql.prepare('SELECT * FROM agents WHERE id = ?').get(id) as AgentRow | undefined;
    return row && toAgent(row);
  }

  /** The live agent called `name`. */
  findByName(name: string): Agent | undefined {
    const row = this.db.sql.prepare('SELECT * FROM agents WHERE name = ? AND deleted_at IS NULL').get(name) as AgentRow | undefined;
    return row && toAgent(row);
  }

  /** The live agent called `name`, or E2004 saying how to find the right name. */
  require(name: string): Agent {
    const agent = this.findByName(name);
    if (!agent) throw new CoreError('E2004', `No agent named "${name}". Run \`agentdock status\` to list agents, or deploy it first.`, { name });
    return agent;
  }

  /** Live agents by name (with `includeDeleted`, deleted ones too). */
  list(options: { includeDeleted?: boolean } = {}): Agent[] {
    const rows = this.db.sql.prepare(`SELECT * FROM agents ${options.includeDeleted ? '' : 'WHERE deleted_at IS NULL'} ORDER BY name, created_at`).all() as AgentRow[];
    return rows.map(toAgent);
  }

  /** Marks the agent deleted; its name becomes free. Returns false if it already was. */
  softDelete(id: string): boolean {
    return this.db.sql.prepare('UPDATE agents SET deleted_at = ? WHERE id = ? AND deleted_at IS NULL').run(this.db.now(), id).changes === 1;
  }

  /** Undoes a soft delete; E2007 if another live agent has taken the name meanwhile. */
  restore(id: string): Agent {
    return this.db.write(() => {
      const agent = this.get(id);
      if (!agent) throw new CoreError('E2004', `No agent with id ${id}.`, { id });
      try {
        this.db.sql.prepare('UPDATE agents SET deleted_at = NULL WHERE id = ?').run(id);
      } catch (error) {
        throw this.collision(error, agent.name, agent.resourceName);
      }
      const { deletedAt: _deletedAt, ...live } = agent;
      return live;
    });
  }

  /**
   * Removes a soft-deleted agent and everything that cascades from it (versions, deployments,
   * keys, secrets, telemetry). Audit logs stay. Refused for a live agent: delete it first.
   */
  purge(id: string): void {
    this.db.write(() => {
      const agent = this.get(id);
      if (!agent) return;
      if (agent.deletedAt === undefined) {
        throw new CoreError('E2023', `Agent "${agent.name}" is live: delete it (and stop its deployments) before purging it.`, { id });
      }
      this.db.sql.prepare('DELETE FROM agents WHERE id = ?').run(id);
    });
  }

  private collision(error: unknown, name: string, resourceName: string): unknown {
    const what = uniqueViolation(error);
    if (what === undefined) return error;
    // SQLite reports whichever index it checks first, so ask which name is really taken.
    if (!this.findByName(name)) {
      const holder = this.db.sql.prepare('SELECT name FROM agents WHERE resource_name = ? AND deleted_at IS NULL').get(resourceName) as { name: string } | undefined;
      return new CoreError(
        'E2007',
        `Agent "${name}" would be called "${resourceName}" on Docker and Kubernetes, which agent "${holder?.name ?? resourceName}" already uses ("_" becomes "-"). Rename one of them.`,
        { name, resourceName, existing: holder?.name },
      );
    }
    return new CoreError('E2007', `An agent named "${name}" already exists. Choose another name, or delete the existing agent first.`, { name });
  }
}

/** An agent's name by id for event streams, each looked up once and remembered (an unknown id stands for itself). */
export function agentNameLookup(agents: Pick<AgentsRepository, 'get'>): (agentId: string) => string {
  const names = new Map<string, string>();
  return (agentId) => {
    let name = names.get(agentId);
    if (name === undefined) {
      name = agents.get(agentId)?.name ?? agentId;
      names.set(agentId, name);
    }
    return name;
  };
}
