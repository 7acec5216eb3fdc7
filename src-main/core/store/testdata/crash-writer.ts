// Child process for crash-consistency.test.ts: writes versions and their audit rows in a tight
// loop, one transaction per pair, until it is killed with SIGKILL. Prints "open" before opening
// the database and the number of committed pairs after each commit.
import { randomBytes } from 'node:crypto';
import { AgentsRepository } from '../agents-repository';
import { AuditRepository } from '../audit-repository';
import { openDatabase } from '../database';
import { VersionsRepository } from '../versions-repository';

const file = process.argv[2];
if (!file) throw new Error('usage: crash-writer <database file>');

process.stdout.write('open\n');
const db = openDatabase(file);
const agentId = new AgentsRepository(db).getOrCreate('crash_test').agent.id;
const versions = new VersionsRepository(db);
const audit = new AuditRepository(db);

// A Dockfile snapshot bigger than a page, so a version row spans overflow pages and a torn write
// would show as a truncated or garbled snapshot.
const filler = 'x'.repeat(24 * 1024);
for (let committed = 1; ; committed += 1) {
  db.write(() => {
    const marker = randomBytes(8).toString('hex');
    const { version } = versions.createOrGet({
      agentId,
      dockfileYaml: `marker: ${marker}\nfiller: ${filler}\nend: ${marker}\n`,
      spec: { marker, filler: filler.slice(0, 4096) },
      contentHash: randomBytes(32).toString('hex'),
      runtimeVersion: '0.1.0',
      createdBy: 'crash-writer',
    });
    audit.record({ actor: 'crash-writer', role: 'admin', action: 'version:create', target: `version:${version.id}`, success: true, details: { marker } });
  });
  process.stdout.write(`${committed}\n`);
}
