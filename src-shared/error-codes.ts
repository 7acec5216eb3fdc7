/**
 * Every error code the console shows, in one place: the control plane's E20xx families (seed 001,
 * extended) and the console contract's own E30xx. The CLI, the console and the logs use these
 * names; each code keeps one meaning, and messages say what to do. (Dockfile diagnostics have
 * their own 4001–4010 codes in dockfile/diagnostics.ts; the runtime's HTTP codes are seed 004's.)
 */

/** Control-plane codes. */
export const CORE_ERROR_CODES = {
  E2001: 'DockfileInvalid',
  E2002: 'BuildFailed',
  E2003: 'VersionNotFound',
  E2004: 'AgentNotFound',
  E2005: 'DeploymentInProgress',
  E2006: 'ConcurrencyLimit',
  E2007: 'NameCollision',
  E2010: 'HealthGateFailed',
  E2011: 'RolledBack',
  E2020: 'TargetUnavailable',
  E2021: 'ReplicaStartFailed',
  E2022: 'ReplicaCrashed',
  E2023: 'LifecycleInvalid',
  E2030: 'VaultLocked',
  E2031: 'SecretNotFound',
  E2032: 'WrongMasterKey',
  E2040: 'PermissionDenied',
  E2050: 'StoreError',
} as const;

/** Console-contract codes: what goes wrong between a window (or browser tab) and main. */
export const CONSOLE_ERROR_CODES = {
  /** The payload does not match the contract (the message names the field). */
  E3001: 'InvalidRequest',
  /** The signed-in role may not do this. */
  E3002: 'Forbidden',
  /** The caller cancelled (or closed the window) before it finished. */
  E3003: 'Cancelled',
  /** The connection to main was lost; nothing more will arrive on it. */
  E3004: 'Disconnected',
  /** A failure main did not expect; details are in main's log, never secrets in the message. */
  E3005: 'Internal',
  /** No such request or stream in this build of the contract. */
  E3006: 'UnknownChannel',
  /** No valid session token (serve mode). */
  E3007: 'Unauthenticated',
  /** The thing named does not exist (a file, a project, a key). */
  E3008: 'NotFound',
  /** It is already there and would be overwritten (a project's files, a name in use). */
  E3009: 'Conflict',
} as const;

export type CoreErrorCode = keyof typeof CORE_ERROR_CODES;
export type ConsoleErrorCode = keyof typeof CONSOLE_ERROR_CODES;
export type ErrorCode = CoreErrorCode | ConsoleErrorCode;

/** The name of a code, e.g. E2004 → AgentNotFound. */
export function errorName(code: ErrorCode): string {
  return (CORE_ERROR_CODES as Record<string, string>)[code] ?? (CONSOLE_ERROR_CODES as Record<string, string>)[code] ?? 'Error';
}
