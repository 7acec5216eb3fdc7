/** The QueryClient: failed mutations raise a toast with their code, so no failure goes unseen. */
import { MutationCache, QueryClient } from '@tanstack/react-query';
import { toast } from '../state/toast-store';
import { describeError } from './requests';

/** One per page. */
export function createQueryClient(): QueryClient {
  return new QueryClient({
    mutationCache: new MutationCache({
      onError: (error, _variables, _context, mutation) => {
        const described = describeError(error);
        const channel = String(mutation.options.mutationKey?.[0] ?? 'request');
        toast({ tone: 'error', title: `${channel} failed`, message: described.message, code: described.code ?? undefined });
      },
    }),
    defaultOptions: {
      queries: {
        // Streams keep the fleet fresh; anything else refetches when the user comes back or reconnects.
        staleTime: 30_000,
        retry: (count, error) => count < 1 && describeError(error).code === 'E3004',
        refetchOnWindowFocus: false,
      },
    },
  });
}
