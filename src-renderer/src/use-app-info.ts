import { useEffect, useState } from 'react';
import type { AppInfo } from '../../src-shared/ipc/window-api';

/** What the renderer knows about the console it is connected to. */
export type AppInfoState =
  | { readonly status: 'loading' }
  | { readonly status: 'ready'; readonly info: AppInfo }
  | { readonly status: 'unavailable' }
  | { readonly status: 'error'; readonly message: string };

/** Asks `window.api` for the app info once; `unavailable` when no transport is present. */
export function useAppInfo(): AppInfoState {
  const [state, setState] = useState<AppInfoState>(() => (window.api ? { status: 'loading' } : { status: 'unavailable' }));

  useEffect(() => {
    const api = window.api;
    if (!api) return;
    let current = true;
    api.app
      .info()
      .then((info) => current && setState({ status: 'ready', info }))
      .catch((error: unknown) => current && setState({ status: 'error', message: error instanceof Error ? error.message : String(error) }));
    return () => {
      current = false;
    };
  }, []);

  return state;
}
