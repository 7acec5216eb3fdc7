// Owner liveness against real processes: this one, a child that exited, a live child, a pid with a
// start token that is not its own (pid reuse), and owners on another host judged by heartbeat.
import { spawn, execFileSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { toIso } from '../store';
import { currentOwner, isOwnerAlive, processStartToken } from './operation-owner';

const children: number[] = [];

afterEach(() => {
  for (const pid of children.splice(0)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

const now = Date.parse('2026-01-01T12:00:00.000Z');
const heartbeatAt = toIso(now - 1000);

describe('operation owners', () => {
  it('this process is alive, with a stable start token of its own', async () => {
    const me = currentOwner();
    expect(me.pid).toBe(process.pid);
    expect(await processStartToken(process.pid)).toBe(me.startToken);
    expect(await isOwnerAlive({ ...me, heartbeatAt }, { now })).toBe(true);
  });

  it('a live process on this host is alive whatever its heartbeat says; one that exited is not', async () => {
    const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    children.push(child.pid as number);
    const token = await processStartToken(child.pid as number);
    expect(token).toBeDefined();
    const owner = { pid: child.pid as number, host: currentOwner().host, startToken: token as string, heartbeatAt: toIso(now - 86_400_000) };
    expect(await isOwnerAlive(owner, { now })).toBe(true);
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    expect(await processStartToken(child.pid as number)).toBeUndefined();
    expect(await isOwnerAlive(owner, { now })).toBe(false);
    const gone = Number(execFileSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }));
    expect(await isOwnerAlive({ ...owner, pid: gone }, { now })).toBe(false);
  });

  it('a pid now used by another process (different start token) is not the owner', async () => {
    const me = currentOwner();
    expect(await isOwnerAlive({ ...me, startToken: `${me.startToken}-an-earlier-process`, heartbeatAt }, { now })).toBe(false);
  });

  it('an owner on another host is alive while its heartbeat is fresh', async () => {
    const remote = { pid: 4242, host: `${currentOwner().host}-elsewhere`, startToken: 'x' };
    expect(await isOwnerAlive({ ...remote, heartbeatAt: toIso(now - 60_000) }, { now })).toBe(true);
    expect(await isOwnerAlive({ ...remote, heartbeatAt: toIso(now - 121_000) }, { now })).toBe(false);
    expect(await isOwnerAlive({ ...remote, heartbeatAt: toIso(now - 10_000) }, { now, staleAfterMs: 5_000 })).toBe(false);
  });
});
