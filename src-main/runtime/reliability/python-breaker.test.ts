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

/** `fail`: a plain error (not retried); the others are upstream errors as `FAILURES` describes. */
type Outcome = 'ok' | 'fail' | keyof typeof FAILURES;
interface Step {
  advanceMs?: number;
  /** Only read the state (it may move OPEN → HALF_OPEN). */
  peek?: boolean;
  /** One outcome per attempt; the last repeats. */
  primary?: Outcome | Outcome[];
  /** The cache tier: answers, throws, or is not offered. */
  cache?: Outcome | 'none';
}

const FAILURES = {
  /** Rate limited, Retry-After 50 ms. */
  busy: { status: 429, retryAfterMs: 50 },
  /** A 503 without Retry-After: the backoff decides. */
  flaky: { status: 503 },
  /** Rate limited with a Retry-After beyond the retry's maxMs: not retried. */
  away: { status: 429, retryAfterMs: 5_000 },
};
const SETTINGS = { failureThreshold: 3, cooldownMs: 1_000, costPerCallUsd: 0.25, retry: { attempts: 3, baseMs: 100, maxMs: 1_000, jitter: 0 } };
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
  // Retries inside a call (each sleep advances the scripted clock by its delay).
  { primary: ['flaky', 'busy', 'ok'] },
  { primary: 'fail' },
  { primary: 'away' },
  { primary: 'ok' },
  { primary: 'fail' },
  { primary: 'busy' },
  { primary: 'ok' },
  { advanceMs: 1_000, primary: 'busy' },
  { advanceMs: 1_000, primary: 'ok' },
  { primary: 'flaky', cache: 'none' },
];

const PYTHON_RUNNER = `
import json, sys
from agentdock import CircuitBreaker, CircuitOpenError
script = json.load(sys.stdin)
settings = script["settings"]
now = [0.0]
transitions = []
slept = []
def sleep(seconds):
    slept.append(round(seconds * 1000, 6))
    now[0] += seconds * 1000
retry = settings["retry"]
breaker = CircuitBreaker(
    "linkedin",
    failure_threshold=settings["failureThreshold"],
    cooldown_ms=settings["cooldownMs"],
    cost_per_call_usd=settings["costPerCallUsd"],
    clock=lambda: now[0],
    events=lambda kind, data: transitions.append("%s->%s:%s" % (data["from"], data["to"], data["reason"])),
    retry={"attempts": retry["attempts"], "base_ms": retry["baseMs"], "max_ms": retry["maxMs"], "jitter": retry["jitter"], "sleep": sleep},
)
class Upstream(Exception):
    def __init__(self, status, retryAfterMs=None):
        super().__init__("upstream %d" % status)
        self.status = status
        if retryAfterMs is not None:
            self.retry_after_ms = retryAfterMs
def outcome(name):
    if name == "ok":
        return "fresh"
    if name == "fail":
        raise RuntimeError("down")
    raise Upstream(**script["failures"][name])
def boom():
    raise RuntimeError("down")
def cached():
    return "cached"
def scripted(outcomes):
    attempts = [0]
    def run():
        attempts[0] += 1
        return outcome(outcomes[min(attempts[0], len(outcomes)) - 1])
    return run
trace = []
for step in script["steps"]:
    now[0] += step.get("advanceMs", 0)
    if step.get("peek"):
        trace.append([breaker.state, None, None])
        continue
    outcomes = step["primary"] if isinstance(step["primary"], list) else [step["primary"]]
    cache = step.get("cache", "ok")
    fallbacks = [] if cache == "none" else [("cache", cached if cache == "ok" else boom)]
    try:
        result = breaker.call(scripted(outcomes), *fallbacks)
        tier, attempts = result.tier, result.attempts
    except CircuitOpenError:
        tier, attempts = "circuit_open", None
    except Exception:
        tier, attempts = "primary_error", None
    trace.append([breaker.state, tier, attempts])
print(json.dumps({"trace": trace, "transitions": transitions, "slept": slept, "stats": breaker.stats()}))
`;

type TraceEntry = [state: string, tier: string | null, attempts: number | null];

async function runJs(): Promise<{ trace: TraceEntry[]; transitions: string[]; slept: number[]; stats: Record<string, unknown> }> {
  let now = 0;
  const transitions: string[] = [];
  const slept: number[] = [];
  const breaker = new CircuitBreaker({
    service: 'linkedin',
    ...SETTINGS,
    retry: {
      ...SETTINGS.retry,
      sleep: async (ms) => {
        slept.push(ms);
        now += ms;
      },
    },
    clock: () => now,
    events: { emit: (_type, data) => void transitions.push(`${data.from}->${data.to}:${data.reason}`) },
  });
  const boom = (): never => {
    throw new Error('down');
  };
  const outcome = (name: Outcome): string => {
    if (name === 'ok') return 'fresh';
    if (name === 'fail') return boom();
    throw Object.assign(new Error(`upstream ${FAILURES[name].status}`), FAILURES[name]);
  };
  const trace: TraceEntry[] = [];
  for (const step of STEPS) {
    now += step.advanceMs ?? 0;
    if (step.peek) {
      trace.push([breaker.state, null, null]);
      continue;
    }
    const outcomes = ([] as Outcome[]).concat(step.primary ?? []);
    let attempt = 0;
    const primary = async (): Promise<string> => outcome(outcomes[Math.min(attempt++, outcomes.length - 1)] ?? 'fail');
    const cache = step.cache ?? 'ok';
    const fallbacks = cache === 'none' ? [] : [{ tier: 'cache', run: cache === 'ok' ? () => 'cached' : boom }];
    try {
      const { tier, attempts } = await breaker.call(primary, ...fallbacks);
      trace.push([breaker.state, tier, attempts]);
    } catch (error) {
      trace.push([breaker.state, error instanceof CircuitOpenError ? 'circuit_open' : 'primary_error', null]);
    }
  }
  return { trace, transitions, slept, stats: { ...breaker.stats() } };
}

const snakeCase = (key: string): string => key.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);

describe('JS and Python breakers agree', () => {
  it('run one scripted failure sequence to identical states, tiers, transitions and stats', async () => {
    const js = await runJs();
    const result = python(['-c', PYTHON_RUNNER], JSON.stringify({ settings: SETTINGS, failures: FAILURES, steps: STEPS }));
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const py = JSON.parse(result.stdout) as typeof js;
    // The script must exercise every state and tier, or agreement proves little.
    expect(new Set(js.trace.map(([state]) => state))).toEqual(new Set(['CLOSED', 'OPEN', 'HALF_OPEN']));
    expect(new Set(js.trace.map(([, tier]) => tier))).toEqual(new Set(['primary', 'cache', 'circuit_open', 'primary_error', null]));
    expect(js.transitions).toContain('HALF_OPEN->OPEN:trial_failed');
    expect(js.transitions).toContain('HALF_OPEN->CLOSED:trial_succeeded');
    // …and retries: a success on the 3rd attempt, a call cut short by the circuit opening, a spent one.
    expect(new Set(js.trace.map(([, , attempts]) => attempts))).toEqual(new Set([null, 0, 1, 2, 3]));
    expect(js.slept).toEqual([100, 50, 50, 100, 200]);
    expect(py.trace).toEqual(js.trace);
    expect(py.transitions).toEqual(js.transitions);
    expect(py.slept).toEqual(js.slept);
    expect(py.stats).toEqual(Object.fromEntries(Object.entries(js.stats).map(([key, value]) => [snakeCase(key), value])));
  });
});
