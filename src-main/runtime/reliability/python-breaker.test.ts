import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CircuitBreaker, CircuitOpenError } from './circuit-breaker';

const PYTHON = process.env.AGENTDOCK_TEST_PYTHON || 'python3';
const PYTHON_ROOT = path.resolve(__dirname, '../adapters/python');

function python(args: string[], input?: string): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(PYTHON, args, { cwd: PYTHON_ROOT, input, encoding: 'utf8', env: { ...process.env, PYTHONPATH: PYTHON_ROOT, PYTHONDONTWRITEBYTECODE: '1' }, timeout: 60_000 });
  if (result.error) throw new Error(`cannot run ${PYTHON}: ${result.error.message}`);
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('Python breaker (adapters/python/agentdock)', () => {
  it('passes its unittest suite', () => {
    const result = python(['-m', 'unittest', '-v', 'agentdock.test_breaker']);
    expect(result.stderr).toMatch(/\nOK\s*$/);
    expect(result.stderr).toMatch(/Ran \d+ tests/);
    expect(result.status).toBe(0);
  });
});

type Outcome = 'ok' | 'fail';
interface Step {
  advanceMs?: number;
  /** Only read the state (it may move OPEN → HALF_OPEN). */
  peek?: boolean;
  primary?: Outcome;
  /** The cache tier: answers, throws, or is not offered. */
  cache?: Outcome | 'none';
}

const SETTINGS = { failureThreshold: 3, cooldownMs: 1_000, costPerCallUsd: 0.25 };
const STEPS: Step[] = [
  { primary: 'ok' },
  { primary: 'fail' },
  { primary: 'fail' },
  { primary: 'ok' },
  { primary: 'fail' },
  { primary: 'fail', cache: 'fail' },
  { primary: 'fail', cache: 'none' },
  { primary: 'ok' },
  { primary: 'ok', cache: 'none' },
  { advanceMs: 999, primary: 'ok' },
  { advanceMs: 1, peek: true },
  { primary: 'fail' },
  { primary: 'ok' },
  { advanceMs: 1_000, primary: 'ok', cache: 'fail' },
  { primary: 'fail' },
  { primary: 'fail', cache: 'none' },
  { primary: 'fail' },
  { advanceMs: 5_000, primary: 'fail' },
  { advanceMs: 1_000, primary: 'ok' },
];

const PYTHON_RUNNER = `
import json, sys
from agentdock import CircuitBreaker, CircuitOpenError
script = json.load(sys.stdin)
settings = script["settings"]
now = [0.0]
transitions = []
breaker = CircuitBreaker(
    "linkedin",
    failure_threshold=settings["failureThreshold"],
    cooldown_ms=settings["cooldownMs"],
    cost_per_call_usd=settings["costPerCallUsd"],
    clock=lambda: now[0],
    events=lambda kind, data: transitions.append("%s->%s:%s" % (data["from"], data["to"], data["reason"])),
)
def boom():
    raise RuntimeError("down")
def fresh():
    return "fresh"
def cached():
    return "cached"
trace = []
for step in script["steps"]:
    now[0] += step.get("advanceMs", 0)
    if step.get("peek"):
        trace.append([breaker.state, None])
        continue
    primary = fresh if step["primary"] == "ok" else boom
    cache = step.get("cache", "ok")
    fallbacks = [] if cache == "none" else [("cache", cached if cache == "ok" else boom)]
    try:
        tier = breaker.call(primary, *fallbacks).tier
    except CircuitOpenError:
        tier = "circuit_open"
    except RuntimeError:
        tier = "primary_error"
    trace.append([breaker.state, tier])
print(json.dumps({"trace": trace, "transitions": transitions, "stats": breaker.stats()}))
`;

async function runJs(): Promise<{ trace: Array<[string, string | null]>; transitions: string[]; stats: Record<string, unknown> }> {
  let now = 0;
  const transitions: string[] = [];
  const breaker = new CircuitBreaker({
    service: 'linkedin',
    ...SETTINGS,
    clock: () => now,
    events: { emit: (_type, data) => void transitions.push(`${data.from}->${data.to}:${data.reason}`) },
  });
  const boom = (): never => {
    throw new Error('down');
  };
  const trace: Array<[string, string | null]> = [];
  for (const step of STEPS) {
    now += step.advanceMs ?? 0;
    if (step.peek) {
      trace.push([breaker.state, null]);
      continue;
    }
    const primary = step.primary === 'ok' ? async () => 'fresh' : async () => boom();
    const cache = step.cache ?? 'ok';
    const fallbacks = cache === 'none' ? [] : [{ tier: 'cache', run: cache === 'ok' ? () => 'cached' : boom }];
    let tier: string;
    try {
      tier = (await breaker.call(primary, ...fallbacks)).tier;
    } catch (error) {
      tier = error instanceof CircuitOpenError ? 'circuit_open' : 'primary_error';
    }
    trace.push([breaker.state, tier]);
  }
  return { trace, transitions, stats: { ...breaker.stats() } };
}

const snakeCase = (key: string): string => key.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);

describe('JS and Python breakers agree', () => {
  it('run one scripted failure sequence to identical states, tiers, transitions and stats', async () => {
    const js = await runJs();
    const result = python(['-c', PYTHON_RUNNER], JSON.stringify({ settings: SETTINGS, steps: STEPS }));
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const py = JSON.parse(result.stdout) as typeof js;
    // The script must exercise every state and tier, or agreement proves little.
    expect(new Set(js.trace.map(([state]) => state))).toEqual(new Set(['CLOSED', 'OPEN', 'HALF_OPEN']));
    expect(new Set(js.trace.map(([, tier]) => tier))).toEqual(new Set(['primary', 'cache', 'circuit_open', 'primary_error', null]));
    expect(js.transitions).toContain('HALF_OPEN->OPEN:trial_failed');
    expect(js.transitions).toContain('HALF_OPEN->CLOSED:trial_succeeded');
    expect(py.trace).toEqual(js.trace);
    expect(py.transitions).toEqual(js.transitions);
    expect(py.stats).toEqual(Object.fromEntries(Object.entries(js.stats).map(([key, value]) => [snakeCase(key), value])));
  });
});
