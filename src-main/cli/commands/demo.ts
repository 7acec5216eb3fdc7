/**
 * `agentdock demo`: the offline conference demo in a terminal (src-main/core/demo). Deploys the
 * bundled lead-generation agent to the process target and runs the 100 leads with the scripted
 * incidents, printing the talk's lines; the console (`agentdock serve`, or the app on the same
 * data dir) shows the same run on its control panel.
 *
 * The vault needs a master key. Without AGENTDOCK_MASTER_KEY the demo keeps to a data dir of its
 * own (`<data dir>/demo-home`) with a random key stored there (mode 0600): it holds only the demo's
 * made-up keys, and your own data is not touched.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { DemoGate } from '../../core/demo/demo-gate';
import { runDemo } from '../../core/demo/demo-run';
import type { DemoVariant } from '../../core/demo/demo-assets';
import { startMonitoring } from '../../core/monitoring';
import { resolveDataDir } from '../../core/store/data-dir';
import { generateMasterKey, StaticKeyProvider } from '../../core/vault';
import type { DemoEvent, DemoSummary } from '../../../src-shared/ipc/demo-types';
import { parseCommandArguments } from '../arguments';
import { currentActor, withControlPlane } from '../control-plane-session';
import { demoLines } from './demo-format';
import { EXIT, paint, UsageError } from '../terminal';
import type { Terminal } from '../terminal';

export const demoHelp = `Usage: agentdock demo [--fast] [--pause] [--python] [--leads N] [--keep-running] [--json]

The offline conference demo: deploys the bundled lead-generation agent (LangGraph.js) to the
process target with a $50 budget and processes 100 synthetic leads against simulated model,
LinkedIn and Clearbit services on 127.0.0.1: no network, no API keys. Scripted incidents:
  #34 LinkedIn rate-limits → circuit breaker opens → cached profiles → recovery after cooldown
  #50 the OpenAI key is rotated in the vault → picked up with no restart
  #67 the model writes an e-mail address → redacted to [EMAIL_REDACTED], counted, audited
  #85 spend crosses 90% of the budget → notification with "approve increase"
  --fast           no pause between leads (a few seconds; default: presentation pace, ~3 minutes)
  --pause          stop after each incident until Enter is pressed, to explain it on stage
  --python         run the Python twin of the agent (LangGraph for Python): needs Python 3.10+
                   with langgraph, langchain-core and httpx; AGENTDOCK_PYTHON names the
                   interpreter (default python3)
  --leads N        only the first N leads
  --keep-running   leave the agent running afterwards (it is stopped by default: its simulated
                   services end with this command)
  --json           one JSON event per line
Without AGENTDOCK_MASTER_KEY the demo uses a data dir of its own (<data dir>/demo-home).
Exit codes: 0 every lead processed, 1 a lead failed or the demo could not start, 2 usage error.`;

/** `agentdock demo`. */
export async function runDemoCommand(argv: string[], terminal: Terminal): Promise<number> {
  const { values } = parseCommandArguments('demo', argv, { fast: { type: 'boolean' }, pause: { type: 'boolean' }, python: { type: 'boolean' }, leads: { type: 'string' }, 'keep-running': { type: 'boolean' }, json: { type: 'boolean' } }, 0);
  if (values.help) return (terminal.out(demoHelp), EXIT.ok);
  const leads = values.leads === undefined ? undefined : Number(values.leads);
  if (leads !== undefined && (!Number.isInteger(leads) || leads < 1 || leads > 100)) throw new UsageError('--leads must be a whole number from 1 to 100', 'demo');
  const json = Boolean(values.json);
  const variant: DemoVariant = values.python ? 'python' : 'javascript';
  const home = process.env.AGENTDOCK_MASTER_KEY ? undefined : demoHome();
  if (home && !json) terminal.out(paint(terminal, 'dim', `AGENTDOCK_MASTER_KEY is not set: the demo uses its own data dir, ${home.dataDir}`));
  return withControlPlane(
    'demo',
    terminal,
    json,
    async (plane) => {
      const monitoring = startMonitoring(plane);
      const controller = new AbortController();
      const interrupt = (): void => controller.abort(new Error('interrupted'));
      process.once('SIGINT', interrupt);
      const presenter = values.pause ? presenterKeys() : undefined;
      let summary: DemoSummary;
      try {
        summary = await runDemo({
          plane,
          actor: currentActor(),
          pace: values.fast ? 'fast' : 'presentation',
          variant,
          ...(leads !== undefined ? { leads } : {}),
          ...(presenter ? { gate: presenter.gate, pauseAtIncidents: true } : {}),
          signal: controller.signal,
          onEvent: (event: DemoEvent) => {
            if (json) terminal.out(JSON.stringify(event));
            else for (const line of demoLines(event, terminal)) terminal.out(line);
            if (event.kind === 'paused') presenter?.onPaused();
          },
        });
      } finally {
        process.off('SIGINT', interrupt);
        presenter?.close();
        monitoring.dispose();
        // Telemetry stores what it has and lets go of the agent's stream, which would otherwise
        // report the agent going away as a lost connection.
        await plane.telemetry().close();
      }
      if (!values['keep-running']) await plane.operations().lifecycle(summary.agent, 'stop', { actor: currentActor(), role: 'admin' });
      return summary.failed === 0 ? EXIT.ok : EXIT.failed;
    },
    home ? { dataDir: home.dataDir, keyProvider: home.keyProvider } : {},
  );
}

/**
 * `--pause`: Enter on stdin lets a paused run go on. When stdin ends (a pipe, Ctrl+D) the run
 * no longer waits.
 */
function presenterKeys(): { gate: DemoGate; onPaused(): void; close(): void } {
  const gate = new DemoGate();
  let ended = false;
  const lines = createInterface({ input: process.stdin });
  lines.on('line', () => gate.resume());
  lines.on('close', () => {
    ended = true;
    gate.resume();
  });
  return {
    gate,
    onPaused: () => {
      if (ended) gate.resume();
    },
    close: () => lines.close(),
  };
}

/** The demo's own data dir and master key, for runs without AGENTDOCK_MASTER_KEY. */
function demoHome(): { dataDir: string; keyProvider: StaticKeyProvider } {
  const dataDir = path.join(resolveDataDir(process.env, process.platform), 'demo-home');
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const keyFile = path.join(dataDir, 'demo-master.key');
  if (!existsSync(keyFile)) writeFileSync(keyFile, generateMasterKey().toString('base64'), { mode: 0o600 });
  return { dataDir, keyProvider: new StaticKeyProvider(Buffer.from(readFileSync(keyFile, 'utf8'), 'base64')) };
}
