import path from 'node:path';
import type { TargetKind, TrustLevel } from '../../core/contracts';
import type { DeployResult, DeployStep } from '../../core/controller/deploy-controller';
import type { Environment } from '../../core/store/environments';
import { parseCommandArguments, parseEnvAssignments } from '../arguments';
import { currentActor, withControlPlane } from '../control-plane-session';
import { EXIT, paint, UsageError } from '../terminal';
import type { Terminal } from '../terminal';

const TARGETS = ['process', 'docker'] as const;
const TRUST = ['TRUSTED', 'STANDARD', 'UNTRUSTED', 'CONFIDENTIAL'] as const;

export const deployHelp = `Usage: agentdock deploy [path] [options]

Validates, builds and deploys the agent as a new immutable version, waits until every replica is
ready, then switches traffic to it and stops the previous version. Not ready in time → the
previous version keeps serving (automatic rollback) and the command fails.

Options:
  --target process|docker     where replicas run (default: process)
  --replicas N                replicas to run (default: 1)
  --trust LEVEL               TRUSTED, STANDARD, UNTRUSTED or CONFIDENTIAL (default: STANDARD)
  --environment dev|prod      which secrets the agent gets (default: dev)
  --env KEY=VALUE             a value for \${KEY} in the Dockfile (repeatable)
  --budget USD                hard spending limit of the agent's LLM calls
  --idempotency-key KEY       the same key again replays the first result (CI retries)
  --timeout SECONDS           health-gate timeout (default: 30)
  --json                      print the result as JSON
  -h, --help                  show this help

Secrets: AGENTDOCK_MASTER_KEY unlocks the vault. Data: AGENTDOCK_HOME (default: the OS app-data dir).
Exit codes: 0 deployed, 1 failed (validation, build, health gate), 2 usage error.`;

export const rollbackHelp = `Usage: agentdock rollback <agent> <version> [options]

Redeploys an earlier version (e.g. v3) through the same health-gated flow.

Options:
  --target process|docker     (default: process)
  --replicas N, --trust LEVEL, --environment dev|prod, --timeout SECONDS, --json
Exit codes: 0 rolled back, 1 failed, 2 usage error.`;

/** `agentdock deploy`. */
export async function runDeploy(argv: string[], terminal: Terminal): Promise<number> {
  const { values, positionals } = parseCommandArguments('deploy', argv, { ...commonOptions, env: { type: 'string', multiple: true }, budget: { type: 'string' }, 'idempotency-key': { type: 'string' } }, 1);
  if (values.help) return (terminal.out(deployHelp), EXIT.ok);
  const options = commonDeployOptions('deploy', values);
  const env = parseEnvAssignments('deploy', values.env as string[] | undefined);
  const budget = values.budget === undefined ? undefined : Number(values.budget);
  if (budget !== undefined && !(budget > 0)) throw new UsageError('--budget must be a positive number of US dollars', 'deploy');
  const json = Boolean(values.json);
  return withControlPlane('deploy', terminal, json, async (plane) => {
    const result = await plane.controller().deploy(path.resolve(positionals[0] ?? '.'), {
      ...options,
      env,
      ...(budget !== undefined ? { budgetUsd: budget } : {}),
      ...(typeof values['idempotency-key'] === 'string' ? { idempotencyKey: values['idempotency-key'] } : {}),
      ...(json ? {} : { onStep: (step) => printStep(terminal, step) }),
    });
    printResult(terminal, result, json);
    return EXIT.ok;
  });
}

/** `agentdock rollback`. */
export async function runRollback(argv: string[], terminal: Terminal): Promise<number> {
  const { values, positionals } = parseCommandArguments('rollback', argv, commonOptions, 2);
  if (values.help) return (terminal.out(rollbackHelp), EXIT.ok);
  const [agent, version] = positionals;
  if (!agent || !version) throw new UsageError('name the agent and the version, e.g. agentdock rollback doc-summarizer v3', 'rollback');
  const json = Boolean(values.json);
  return withControlPlane('rollback', terminal, json, async (plane) => {
    const result = await plane.controller().rollback(agent, version, { ...commonDeployOptions('rollback', values), ...(json ? {} : { onStep: (step) => printStep(terminal, step) }) });
    printResult(terminal, result, json);
    return EXIT.ok;
  });
}

const commonOptions = {
  target: { type: 'string' },
  replicas: { type: 'string' },
  trust: { type: 'string' },
  environment: { type: 'string' },
  timeout: { type: 'string' },
  json: { type: 'boolean' },
} as const;

function commonDeployOptions(command: string, values: Record<string, unknown>) {
  const target = (values.target ?? 'process') as string;
  if (!(TARGETS as readonly string[]).includes(target)) throw new UsageError(`--target must be one of ${TARGETS.join(', ')}`, command);
  const trust = (values.trust ?? 'STANDARD') as string;
  if (!(TRUST as readonly string[]).includes(trust)) throw new UsageError(`--trust must be one of ${TRUST.join(', ')}`, command);
  const environment = (values.environment ?? 'dev') as string;
  if (environment !== 'dev' && environment !== 'prod') throw new UsageError('--environment must be dev or prod', command);
  const replicas = values.replicas === undefined ? 1 : Number(values.replicas);
  if (!Number.isInteger(replicas) || replicas < 1 || replicas > 100) throw new UsageError('--replicas must be a whole number from 1 to 100', command);
  const timeout = values.timeout === undefined ? undefined : Number(values.timeout);
  if (timeout !== undefined && !(timeout > 0)) throw new UsageError('--timeout must be a positive number of seconds', command);
  return {
    target: target as TargetKind,
    trust: trust as TrustLevel,
    environment: environment as Environment,
    replicas,
    actor: currentActor(),
    ...(timeout !== undefined ? { healthTimeoutMs: timeout * 1000 } : {}),
  };
}

function printStep(terminal: Terminal, step: DeployStep): void {
  terminal.out(`${paint(terminal, 'dim', `[${step.at.slice(11, 19)}]`)} ${step.step.padEnd(12)} ${step.message}`);
}

function printResult(terminal: Terminal, result: DeployResult, json: boolean): void {
  if (json) {
    terminal.out(JSON.stringify({ ok: true, ...result }, null, 2));
    return;
  }
  const previous = result.previousVersion ? ` (was ${result.previousVersion})` : '';
  terminal.out(`${paint(terminal, 'green', '✓')} ${result.agent} ${result.version} is active${previous} in ${(result.durationMs / 1000).toFixed(1)} s — ${result.endpoints.join(', ')}`);
}
