/**
 * kill -9 harness for the store's crash tests: runs a writer script (under tsx) that prints a line
 * per committed step, and SIGKILLs it the moment a line says so.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';

const REPO_ROOT = path.resolve(import.meta.dirname, '..', '..', '..');
const running = new Set<ChildProcess>();

/** Kills any writer a failed test left running (call in afterEach). */
export function killWriters(): void {
  for (const child of running) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  running.clear();
}

/** Starts `script` on `file` and SIGKILLs it once `shouldKill(line)` says so; resolves when it is dead. */
export function runWriterAndKill(script: string, file: string, shouldKill: (line: string) => boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    const writer = spawn(process.execPath, ['--import', 'tsx', script, file], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    running.add(writer);
    let stderr = '';
    let buffered = '';
    let killed = false;
    writer.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    writer.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        if (!killed && shouldKill(line)) {
          killed = true;
          writer.kill('SIGKILL');
        }
      }
    });
    writer.on('error', reject);
    writer.on('exit', (_code, signal) => {
      running.delete(writer);
      if (signal === 'SIGKILL') resolve();
      else reject(new Error(`writer exited on its own: ${stderr}`));
    });
  });
}
