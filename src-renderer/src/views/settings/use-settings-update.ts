/** `settings:update` with the answer written into the `settings:get` cache and a notice. */
import { useQueryClient } from '@tanstack/react-query';
import { useConsoleMutation } from '../../console/requests';
import { toast } from '../../state/toast-store';

export function useSettingsUpdate(what: string): ReturnType<typeof useConsoleMutation<'settings:update'>> {
  const queryClient = useQueryClient();
  return useConsoleMutation('settings:update', {
    onSuccess: (snapshot) => {
      queryClient.setQueryData(['settings:get'], snapshot);
      toast({ tone: 'success', title: `${what} saved`, message: 'The change is in the audit log.' });
    },
  });
}
