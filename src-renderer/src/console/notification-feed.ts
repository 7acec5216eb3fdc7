/**
 * One `notifications:changes` subscription for the whole window (like `fleet:changes`): it patches
 * every cached notification list and pops up what needs attention (seed 002 #24: an alert within a
 * second of the event). Critical ones stay until closed; warnings fade.
 */
import { useQueryClient } from '@tanstack/react-query';
import { toast } from '../state/toast-store';
import { patchNotificationsCache } from './control-cache';
import { useConsoleStream } from './requests';

/** Subscribes for as long as the shell lives. */
export function useNotificationFeed(): void {
  const queryClient = useQueryClient();
  useConsoleStream('notifications:changes', {}, (change) => {
    patchNotificationsCache(queryClient, change);
    if (change.type !== 'added' || change.notification.severity === 'info') return;
    const { notification } = change;
    toast({ tone: notification.severity === 'critical' ? 'error' : 'info', title: notification.title, message: notification.body });
  });
}
