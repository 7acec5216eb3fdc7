/**
 * The Python demo's preflight: the process target runs Python agents with the interpreter
 * AGENTDOCK_PYTHON names (default `python3`), and the demo's agent needs LangGraph in it. Without
 * this check a missing package shows up as a replica that never gets ready (a 30 s health gate and
 * "HTTP 503"); with it, the run stops at once and says what to install where.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { CoreError } from '../contracts';

/** The modules resources/demo/lead-gen-python/requirements.txt installs, with their pip names. */
const REQUIRED: ReadonlyArray<{ module: string; pip: string }> = [
  { module: 'langgraph', pip: 'langgraph' },
  { module: 'langchain_core', pip: 'langchain-core' },
  { module: 'httpx', pip: 'httpx' },
];
/** The Python adapter's floor (src-main/runtime/adapters/python/PROTOCOL.md). */
const MIN_PYTHON: readonly [number, number] = [3, 10];

// Finds the modules without importing them: quick, and no agent code runs.
const PROBE = `import importlib.util, json, sys
print(json.dumps({"version": list(sys.version_info[:2]), "missing": [m for m in sys.argv[1:] if importlib.util.find_spec(m) is None]}))`;

/** The interpreter the process target gives Python agents (what openControlPlane reads). */
export function demoPythonPath(env: NodeJS.ProcessEnv = process.env): string {
  return env.AGENTDOCK_PYTHON || 'python3';
}

/** Throws E2020 naming the interpreter and the packages to install unless `pythonPath` can run the demo's Python agent. */
export async function checkDemoPython(pythonPath: string): Promise<void> {
  const hint = `install them with ${pythonPath} -m pip install ${REQUIRED.map((entry) => entry.pip).join(' ')}, or set AGENTDOCK_PYTHON to an interpreter that has them`;
  let report: { version: [number, number]; missing: string[] };
  try {
    const { stdout } = await promisify(execFile)(pythonPath, ['-c', PROBE, ...REQUIRED.map((entry) => entry.module)], { timeout: 30_000 });
    report = JSON.parse(stdout) as typeof report;
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new CoreError('E2020', `the Python demo cannot run ${pythonPath} (${reason}): it needs Python ${MIN_PYTHON.join('.')}+ with langgraph, langchain-core and httpx; ${hint}`);
  }
  const [major, minor] = report.version;
  if (major < MIN_PYTHON[0] || (major === MIN_PYTHON[0] && minor < MIN_PYTHON[1])) {
    throw new CoreError('E2020', `the Python demo needs Python ${MIN_PYTHON.join('.')} or newer; ${pythonPath} is ${major}.${minor}: set AGENTDOCK_PYTHON to a newer interpreter`);
  }
  const missing = REQUIRED.filter((entry) => report.missing.includes(entry.module)).map((entry) => entry.pip);
  if (missing.length > 0) throw new CoreError('E2020', `the Python demo's agent needs ${missing.join(', ')}, which ${pythonPath} does not have: ${hint}`);
}
