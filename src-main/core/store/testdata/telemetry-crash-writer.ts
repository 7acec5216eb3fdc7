// Child process for telemetry-crash.test.ts: ingests batches of telemetry (events plus every
// rollup tier, one transaction per batch) in a tight loop until it is killed with SIGKILL.
// Prints the number of committed batches after each commit.
import { AgentsRepository } from '../agents-repository';
import { openDatabase } from '../database';
import { randomRuns, seededRandom } from '../rollup-test-support';
import { TelemetryRepository } from '../telemetry-repository';

const file = process.argv[2];
if (!file) throw new Error('usage: telemetry-crash-writer <database file>');

const db = openDatabase(file);
const agents = new AgentsRepository(db);
const agentIds = ['a', 'b', 'c'].map((name) => agents.getOrCreate(name).agent.id);
const telemetry = new TelemetryRepository(db);
// Each run of the writer is its own event source, so a restarted writer adds rather than repeats.
const source = `writer-${process.pid}-${Date.now()}`;
const random = seededRandom(process.pid);
const start = Date.parse('2030-07-01T22:00:00.000Z');
for (let committed = 1; ; committed += 1) {
  const batch = randomRuns(random, agentIds, 300, start, 2 * 86_400_000).map((event) => ({ ...event, source, eventId: event.eventId + committed * 1000 }));
  telemetry.ingest(batch);
  process.stdout.write(`${committed}\n`);
}
