// FileTail against real files: appends, a primed start, rotation at the size cap, truncation by
// someone else, and a runaway line.
import { appendFileSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileTail } from './file-tail';
import type { TailPosition } from './file-tail';

let dir: string;
let file: string;
const tails: FileTail[] = [];

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'agentdock-tail-'));
  file = path.join(dir, 'replica-0.log');
});

afterEach(() => {
  for (const tail of tails.splice(0)) tail.close();
  rmSync(dir, { recursive: true, force: true });
});

function follow(options: { maxBytes?: number; primeBytes?: number } = {}): { tail: FileTail; lines: { line: string; position: TailPosition }[] } {
  const lines: { line: string; position: TailPosition }[] = [];
  const tail = new FileTail(file, { maxBytes: options.maxBytes ?? 1 << 20, primeBytes: options.primeBytes ?? 0, pollMs: 60_000, onLine: (line, position) => lines.push({ line, position }) });
  tails.push(tail);
  return { tail, lines };
}

describe('FileTail', () => {
  it('reports complete lines with their offsets and holds a partial line back', async () => {
    writeFileSync(file, '');
    const { tail, lines } = follow();
    await tail.start();
    appendFileSync(file, 'one\ntwo\nthr');
    await tail.poll();
    expect(lines).toEqual([
      { line: 'one', position: { epoch: 0, offset: 0 } },
      { line: 'two', position: { epoch: 0, offset: 4 } },
    ]);
    appendFileSync(file, 'ee\r\n');
    await tail.poll();
    expect(lines.at(-1)).toEqual({ line: 'three', position: { epoch: 0, offset: 8 } });
    expect(await tail.endPosition()).toEqual({ epoch: 0, offset: 15 });
  });

  it('primes from the end of an existing file, dropping the cut first line', async () => {
    writeFileSync(file, 'a'.repeat(100) + '\nlast-but-one\nlast\n');
    const { tail, lines } = follow({ primeBytes: 20 });
    await tail.start();
    expect(lines.map((entry) => entry.line)).toEqual(['last-but-one', 'last']);
  });

  it('rotates to .1 past the cap and keeps following the truncated file', async () => {
    writeFileSync(file, '');
    const { tail, lines } = follow({ maxBytes: 10 });
    await tail.start();
    appendFileSync(file, 'first line\nsecond\n');
    await tail.poll();
    expect(readFileSync(`${file}.1`, 'utf8')).toBe('first line\nsecond\n');
    expect(readFileSync(file, 'utf8')).toBe('');
    appendFileSync(file, 'after\n');
    await tail.poll();
    expect(lines.map((entry) => [entry.line, entry.position.epoch])).toEqual([
      ['first line', 0],
      ['second', 0],
      ['after', 1],
    ]);
  });

  it('notices a truncation it did not do and starts over', async () => {
    writeFileSync(file, 'old line one\nold line two\n');
    const { tail, lines } = follow();
    await tail.start();
    truncateSync(file, 0);
    appendFileSync(file, 'new\n');
    await tail.poll();
    expect(lines).toEqual([{ line: 'new', position: { epoch: 1, offset: 0 } }]);
  });

  it('cuts a runaway line instead of buffering it without bound', async () => {
    writeFileSync(file, '');
    const { tail, lines } = follow();
    await tail.start();
    appendFileSync(file, `${'x'.repeat(300 * 1024)}\nnext\n`);
    await tail.poll();
    expect(lines).toHaveLength(2);
    expect(lines[0]?.line.endsWith('…[line cut]')).toBe(true);
    expect(lines[0]?.line.length).toBeLessThan(70 * 1024);
    expect(lines[1]?.line).toBe('next');
  });

  it('waits for a file that does not exist yet', async () => {
    const { tail, lines } = follow();
    await tail.start();
    writeFileSync(file, 'hello\n');
    await tail.poll();
    expect(lines.map((entry) => entry.line)).toEqual(['hello']);
  });
});
