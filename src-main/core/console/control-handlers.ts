/**
 * Handlers for the control panel (seed 002 #19–24): `control:snapshot` (control-snapshot.ts),
 * the in-app notifications of the control plane's NotificationCenter (`notifications:list`,
 * `notifications:dismiss`, the `notifications:changes` stream), and `budget:raise`, the "Approve
 * budget increase" action: the running replicas enforce the new limit at once
 * (controller/budget-overrides.ts), audited.
 */
import type { NotificationAction, NotificationChange, NotificationRow } from '../../../src-shared/ipc/control-types';
import type { Notification } from '../alerts/notifications-repository';
import type { ControlPlane } from '../control-plane';
import { BudgetOverrides } from '../controller/budget-overrides';
import { formatUsd } from '../../../src-shared/pricing/format-usd';
import { ConsoleHandlerError } from './console-session';
import { controlSnapshot } from './control-snapshot';
import type { ConsoleHandlers } from './handler-types';

type Requests = ConsoleHandlers['requests'];
type Streams = ConsoleHandlers['streams'];

const DEFAULT_LIST_LIMIT = 100;

/** The control panel's requests and stream, sharing one view of dismissals. */
export function controlHandlers(plane: ControlPlane): {
  requests: Pick<Requests, 'control:snapshot' | 'notifications:list' | 'notifications:dismiss' | 'budget:raise'>;
  streams: Pick<Streams, 'notifications:changes'>;
} {
  const budgets = new BudgetOverrides({ db: plane.db, repositories: plane.repositories, targets: plane.targets, dataDir: plane.dataDir });
  const dismissals = new Set<(ids: number[]) => void>();
  const agentIdOf = (name: string | undefined): string | undefined => (name === undefined ? undefined : plane.repositories.agents.require(name).id);

  /** The budget action of a budget alert: the agent's current per-replica limit and half again (seed 002 #11). */
  const actionOf = async (notification: Notification): Promise<NotificationAction | null> => {
    if (notification.data.action !== 'increase_budget' || !notification.agentName) return null;
    const limits = (await budgets.current(notification.agentName).catch(() => [])).map((budget) => budget.limitUsd).filter((limit): limit is number => limit !== null);
    if (limits.length === 0) return null;
    const current = Math.max(...limits);
    return { kind: 'increase_budget', agent: notification.agentName, currentLimitUsd: current, suggestedLimitUsd: Math.ceil(current * 150) / 100 };
  };
  const toRow = async (notification: Notification): Promise<NotificationRow> => ({
    id: notification.id,
    agent: notification.agentName ?? null,
    source: notification.source,
    severity: notification.severity,
    title: notification.title,
    body: notification.body,
    data: notification.data,
    createdAt: notification.createdAt,
    readAt: notification.readAt ?? null,
    action: notification.readAt ? null : await actionOf(notification),
  });

  return {
    requests: {
      'control:snapshot': ({ agent }) => controlSnapshot(plane, budgets, agent === undefined ? {} : { agentName: agent }),

      'notifications:list': async ({ agent, includeRead, limit }) => {
        const agentId = agentIdOf(agent);
        const list = plane.alerts().notifications.list({ unreadOnly: !includeRead, limit: limit ?? DEFAULT_LIST_LIMIT, ...(agentId ? { agentId } : {}) });
        return Promise.all(list.map(toRow));
      },

      'notifications:dismiss': async ({ ids }) => {
        const dismissed = plane.alerts().notifications.markRead(ids);
        for (const listener of [...dismissals]) listener(ids);
        return { dismissed };
      },

      'budget:raise': async ({ agent, limitUsd }, { principal }) => {
        const current = (await budgets.current(agent)).map((budget) => budget.limitUsd).filter((limit): limit is number => limit !== null);
        if (current.length === 0) {
          const running = plane.repositories.deployments.list({ agentId: agentIdOf(agent)!, states: ['active'] }).length > 0;
          if (!running) throw new ConsoleHandlerError('E3001', `${agent} is not deployed, so it has no budget to raise; deploy it first.`);
          throw new ConsoleHandlerError('E3001', `${agent} runs without a budget limit, so there is nothing to raise; deploy it with a budget (agentdock deploy --budget) to limit its spend.`);
        }
        const highest = Math.max(...current);
        if (limitUsd <= highest) throw new ConsoleHandlerError('E3001', `limitUsd: ${formatUsd(limitUsd)} is not above ${agent}'s current limit of ${formatUsd(highest)} per replica; approve a higher amount.`, { currentLimitUsd: highest });
        return budgets.raise(agent, limitUsd, { actor: principal.user, role: principal.role });
      },
    },
    streams: {
      'notifications:changes': ({ agent }, { emit }) => {
        const agentId = agentIdOf(agent);
        const added = plane.alerts().notifications.subscribe((notification) => {
          if (agentId !== undefined && notification.agentId !== agentId) return;
          void toRow(notification).then((row) => emit({ type: 'added', notification: row } satisfies NotificationChange));
        });
        const onDismiss = (ids: number[]): void => emit({ type: 'dismissed', ids });
        dismissals.add(onDismiss);
        return {
          dispose: () => {
            added.dispose();
            dismissals.delete(onDismiss);
          },
        };
      },
    },
  };
}
