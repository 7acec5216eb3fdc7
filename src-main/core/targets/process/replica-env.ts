/**
 * The environment a replica process starts with: a few variables a program needs to run (PATH,
 * HOME, locale, temp dirs) and the AGENTDOCK_* settings — never the control plane's own
 * environment, which may hold AGENTDOCK_MASTER_KEY or provider keys. The agent's secrets reach the
 * runtime only through the config dir's secrets.json (0600), which it hands to the agent itself.
 */
import type { DeploymentSpec } from '../../contracts';

/** Variables a replica inherits from the control plane; everything else is left behind. */
export const INHERITED_ENV: readonly string[] = ['PATH', 'HOME', 'USER', 'LOGNAME', 'LANG', 'LC_ALL', 'LC_CTYPE', 'TZ', 'TMPDIR', 'TEMP', 'TMP', 'SYSTEMROOT', 'WINDIR', 'COMSPEC', 'PATHEXT'];

/** The environment of every replica of `spec` (AGENTDOCK_STATE_DIR is added per replica). */
export function replicaEnvironment(spec: DeploymentSpec, options: { stopGraceMs: number; extra: Readonly<Record<string, string>>; parent?: NodeJS.ProcessEnv }): Record<string, string> {
  const parent = options.parent ?? process.env;
  const env: Record<string, string> = {};
  for (const name of INHERITED_ENV) {
    const value = parent[name];
    if (value !== undefined) env[name] = value;
  }
  return {
    ...env,
    ...options.extra,
    AGENTDOCK_CONFIG_DIR: spec.configDir,
    // Loopback only, and a port the runtime picks and reports ("runtime listening"): no race.
    AGENTDOCK_HOST: '127.0.0.1',
    AGENTDOCK_PORT: '0',
    // Drain a little less than our grace, so a graceful stop is not cut short by SIGKILL.
    AGENTDOCK_DRAIN_MS: String(Math.max(0, options.stopGraceMs - 1000)),
    // The bundle is immutable: no bytecode caches written into it; Python output unbuffered.
    PYTHONDONTWRITEBYTECODE: '1',
    PYTHONUNBUFFERED: '1',
  };
}
