import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DurableSpool } from './spool';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'agentdock-spool-unit-'));
  dirs.push(dir);
  return dir;
}

describe('DurableSpool', () => {
  it('survives a restart: acknowledged batches stay delivered, the rest is read again', async () => {
    const dir = tempDir();
    const first = new DurableSpool<number>({ dir, name: 's' });
    await first.append([
      { id: 'a', items: [1, 2] },
      { id: 'b', items: [3] },
    ]);
    const [entryA] = await first.read();
    await first.acknowledge(entryA as NonNullable<typeof entryA>);

    const second = new DurableSpool<number>({ dir, name: 's' });
    await second.open();
    expect(second.pending).toBe(1);
    const entries = await second.read();
    expect(entries.map((entry) => entry.batch.id)).toEqual(['b']);
    await second.acknowledge(entries[0] as NonNullable<(typeof entries)[0]>);
    expect(existsSync(join(dir, 's.jsonl'))).toBe(false);
    expect(existsSync(join(dir, 's.ack'))).toBe(false);
    expect(second.pending).toBe(0);
  });

  it('repairs a line torn by a crash mid-append instead of gluing the next batch onto it', async () => {
    const dir = tempDir();
    const first = new DurableSpool<number>({ dir, name: 's' });
    await first.append([{ id: 'a', items: [1] }]);
    appendFileSync(join(dir, 's.jsonl'), '{"id":"torn","items":[2');

    const second = new DurableSpool<number>({ dir, name: 's' });
    await second.open();
    await second.append([{ id: 'c', items: [3] }]);
    expect((await second.read()).map((entry) => entry.batch.id)).toEqual(['a', 'c']);
    expect(readFileSync(join(dir, 's.jsonl'), 'utf8').endsWith('\n')).toBe(true);
  });

  it('drops the oldest batches past the size cap and reports how many items went', async () => {
    const dir = tempDir();
    const spool = new DurableSpool<string>({ dir, name: 's', maxBytes: 300 });
    const item = 'x'.repeat(80);
    let dropped = 0;
    for (let i = 0; i < 6; i++) dropped += await spool.append([{ id: `b${i}`, items: [item] }]);
    const ids = (await spool.read()).map((entry) => entry.batch.id);
    expect(ids.at(-1)).toBe('b5');
    expect(dropped).toBe(6 - ids.length);
    expect(spool.dropped).toBe(dropped);
    expect(dropped).toBeGreaterThan(0);
    expect(readFileSync(join(dir, 's.jsonl')).byteLength).toBeLessThanOrEqual(300);
  });
});
