import path from 'node:path';
import { isDnsLabel } from '../../../src-shared/dockfile/names';
import type { TargetKind } from '../../core/contracts';
import type { DeployOptions, DeployResult, DeployStep } from '../../core/controller/deploy-controller';
import type { Environment } from '../../core/store/environments';
import { parseCommandArguments, parseEnvAssignments, trustLevel, wholeNumber } from '../arguments';
import { currentActor, withControlPlane } from '../control-plane-session';
import { EXIT, paint, UsageError } from '../terminal';
import type { Terminal } from '../terminal';

const TARGETS = ['process', 'docker', 'kubernetes'] as const;

export const deployHelp = `Usage: agentdock deploy [path] [options]

Validates, builds and deploys the agent as a new immutable version, waits until every replica is
ready, then switches traffic to it and stops the previous version. Not ready in time → the
previous version keeps serving (automatic rollback) and the command fails.

Options:
  --target process|docker|kubernetes   where replicas run (default: process)
  --replicas N                replicas to run (default: 1)
  --cpus N, --memory MB       per replica (Docker, Kubernetes; default 1 CPU, 512 MB)
  --trust LEVEL               TRUSTED, STANDARD, UNTRUSTED or CONFIDENTIAL (default: STANDARD)
  --environment dev|prod      which secrets the agent gets (default: dev)
  --env KEY=VALUE             a value for \${KEY} in the Dockfile (repeatable)
  --budget USD                hard spending limit of the agent's LLM calls
  --idempotency-key KEY       the same key again replays the first result (CI retries)
  --timeout SECONDS           health-gate timeout (default: 30)
  --json                      print the result as JSON
  -h, --help                  show this help

Kubernetes (--target kubernetes; the kubeconfig is read as kubectl reads it, KUBECONFIG included):
  --context NAME              kubeconfig context (default: the current context)
  --namespace NAME            namespace (default: the context's; created with Pod Security
                              "restricted" when it does not exist)
  --min-replicas N --max-replicas N   autoscale between N and M replicas (HorizontalPodAutoscaler)
  --cpu-target PERCENT        autoscaling CPU target (default 70); --memory-target PERCENT adds memory
  --registry URL              push the image to this registry from Settings (credentials from the
                              vault); without it the image stays in the local Docker engine (local clusters)

Secrets: AGENTDOCK_MASTER_KEY unlocks the vault. Data: AGENTDOCK_HOME (default: the OS app-data dir).
Exit codes: 0 deployed, 1 failed (validation, build, health gate), 2 usage error.`;

export const rollbackHelp = `Usage: agentdock rollback <agent> <version> [options]

Redeploys an earlier version (e.g. v3) through the same health-gated flow.

Options:
  --target process|docker|kubernetes   (default: process)
  --replicas N, --trust LEVEL, --environment dev|prod, --timeout SECONDS, --json
  --context NAME, --namespace NAME (Kubernetes; the options of agentdock deploy)
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
  cpus: { type: 'string' },
  memory: { type: 'string' },
  context: { type: 'string' },
  namespace: { type: 'string' },
  'min-replicas': { type: 'string' },
  'max-replicas': { type: 'string' },
  'cpu-target': { type: 'string' },
  'memory-target': { type: 'string' },
  registry: { type: 'string' },
} as const;

/** --cpus/--memory and the Kubernetes placement flags; refused for targets they do not apply to. */
function placementOptions(command: string, target: string, values: Record<string, unknown>): Pick<DeployOptions, 'resources' | 'kubernetes'> {
  const kubeFlags = ['context', 'namespace', 'min-replicas', 'max-replicas', 'cpu-target', 'memory-target', 'registry'].filter((flag) => values[flag] !== undefined);
  if (target !== 'kubernetes' && kubeFlags.length > 0) throw new UsageError(`--${kubeFlags[0]} applies to --target kubernetes only`, command);
  const cpus = values.cpus === undefined ? undefined : Number(values.cpus);
  if (cpus !== undefined && !(cpus > 0 && cpus <= 256)) throw new UsageError('--cpus must be a number of CPUs above 0 (e.g. 0.5)', command);
  const memoryMb = wholeNumber(command, 'memory', values.memory, 32, 1_048_576);
  if (target === 'process' && (cpus !== undefined || memoryMb !== undefined)) throw new UsageError('--cpus and --memory apply to the docker and kubernetes targets', command);
  const resources = cpus !== undefined || memoryMb !== undefined ? { ...(cpus !== undefined ? { cpus } : {}), ...(memoryMb !== undefined ? { memoryMb } : {}) } : undefined;
  if (target !== 'kubernetes') return resources ? { resources } : {};
  const minReplicas = wholeNumber(command, 'min-replicas', values['min-replicas'], 1, 1000);
  const maxReplicas = wholeNumber(command, 'max-replicas', values['max-replicas'], 1, 1000);
  if ((minReplicas === undefined) !== (maxReplicas === undefined)) throw new UsageError('autoscaling needs both --min-replicas and --max-replicas', command);
  if (minReplicas !== undefined && maxReplicas !== undefined && maxReplicas < minReplicas) throw new UsageError('--max-replicas must be at least --min-replicas', command);
  const cpuPercent = wholeNumber(command, 'cpu-target', values['cpu-target'], 1, 1000);
  const memoryPercent = wholeNumber(command, 'memory-target', values['memory-target'], 1, 1000);
  if (minReplicas === undefined && (cpuPercent !== undefined || memoryPercent !== undefined)) throw new UsageError('--cpu-target and --memory-target need --min-replicas and --max-replicas', command);
  const namespace = values.namespace as string | undefined;
  if (namespace !== undefined && !isDnsLabel(namespace)) throw new UsageError(`--namespace "${namespace}" is not a valid namespace name (lower-case letters, digits and '-', at most 63)`, command);
  const kubernetes = {
    ...(typeof values.context === 'string' ? { context: values.context } : {}),
    ...(namespace !== undefined ? { namespace } : {}),
    ...(typeof values.registry === 'string' ? { registry: values.registry } : {}),
    ...(minReplicas !== undefined && maxReplicas !== undefined
      ? { autoscale: { minReplicas, maxReplicas, ...(cpuPercent !== undefined ? { cpuPercent } : {}), ...(memoryPercent !== undefined ? { memoryPercent } : {}) } }
      : {}),
  };
  return { ...(resources ? { resources } : {}), kubernetes };
}

function commonDeployOptions(command: string, values: Record<string, unknown>) {
  const target = (values.target ?? 'process') as string;
  if (!(TARGETS as readonly string[]).includes(target)) throw new UsageError(`--target must be one of ${TARGETS.join(', ')}`, command);
  const trust = trustLevel(command, values.trust);
  const environment = (values.environment ?? 'dev') as string;
  if (environment !== 'dev' && environment !== 'prod') throw new UsageError('--environment must be dev or prod', command);
  const replicas = wholeNumber(command, 'replicas', values.replicas, 1, 100) ?? 1;
  const timeout = values.timeout === undefined ? undefined : Number(values.timeout);
  if (timeout !== undefined && !(timeout > 0)) throw new UsageError('--timeout must be a positive number of seconds', command);
  return {
    target: target as TargetKind,
    trust,
    environment: environment as Environment,
    replicas,
    ...placementOptions(command, target, values),
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
  const where = result.endpoints.length > 0 ? result.endpoints.join(', ') : `${result.replicas} replica(s) ready`;
  terminal.out(`${paint(terminal, 'green', '✓')} ${result.agent} ${result.version} is active${previous} in ${(result.durationMs / 1000).toFixed(1)} s — ${where}`);
}
