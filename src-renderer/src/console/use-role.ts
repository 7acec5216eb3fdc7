/** The signed-in role, from `app:info`, and what it may do (the UI hides; main enforces). */
import type { RequestChannel } from '../../../src-shared/ipc/contract';
import type { AppInfo, ConsoleRole } from '../../../src-shared/ipc/console-types';
import { REQUEST_ROLES, roleAllows } from '../../../src-shared/ipc/roles';
import { useConsoleQuery } from './requests';

/** `app:info`, cached for the session. */
export function useAppInfo(): ReturnType<typeof useConsoleQuery<'app:info'>> {
  return useConsoleQuery('app:info', {}, { staleTime: Infinity });
}

/** The role, or viewer until `app:info` answers (never show an action the role may lack). */
export function useRole(): ConsoleRole {
  const info: AppInfo | undefined = useAppInfo().data;
  return info?.role ?? 'viewer';
}

/** Whether the signed-in role may send `channel`. */
export function useCan(channel: RequestChannel): boolean {
  return roleAllows(useRole(), REQUEST_ROLES[channel]);
}
