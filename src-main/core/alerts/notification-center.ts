/**
 * In-app notifications as a service: producers `notify`, the console lists them, counts the
 * unread ones, marks them read and `subscribe`s to new ones (for pop-ups within a second, seed
 * 002 #24). Listeners are called after the row is committed; one that throws is reported and
 * does not stop the others or the producer.
 */
import type { Disposable } from '../contracts';
import type { StoreDatabase } from '../store/database';
import { NotificationsRepository } from './notifications-repository';
import type { NewNotification, Notification, NotificationFilter } from './notifications-repository';

/** Called with each new notification. */
export type NotificationListener = (notification: Notification) => void;

/** Notifications and their listeners. */
export class NotificationCenter {
  private readonly listeners = new Set<NotificationListener>();

  constructor(
    readonly repository: NotificationsRepository,
    private readonly onListenerError: (error: unknown) => void = () => {},
  ) {}

  /** A center over the database's notifications table. */
  static over(db: StoreDatabase, onListenerError?: (error: unknown) => void): NotificationCenter {
    return new NotificationCenter(new NotificationsRepository(db), onListenerError);
  }

  /** Stores a notification and tells the listeners. */
  notify(input: NewNotification): Notification {
    const notification = this.repository.insert(input);
    this.publish([notification]);
    return notification;
  }

  /** Tells the listeners about notifications already committed (the alert engine stores them in its own transaction). */
  publish(notifications: readonly Notification[]): void {
    for (const notification of notifications) {
      for (const listener of [...this.listeners]) {
        try {
          listener(notification);
        } catch (error) {
          this.onListenerError(error);
        }
      }
    }
  }

  /** Calls `listener` with every new notification until disposed. */
  subscribe(listener: NotificationListener): Disposable {
    // A wrapper, so subscribing the same function twice gives two independent subscriptions.
    const entry: NotificationListener = (notification) => listener(notification);
    this.listeners.add(entry);
    return { dispose: () => void this.listeners.delete(entry) };
  }

  /** How many listeners are subscribed (tests check nothing leaks). */
  get listenerCount(): number {
    return this.listeners.size;
  }

  /** Newest first (see NotificationFilter). */
  list(filter: NotificationFilter = {}): Notification[] {
    return this.repository.list(filter);
  }

  /** How many are unread (the console's badge). */
  unreadCount(): number {
    return this.repository.unreadCount();
  }

  /** Marks the given ones read (dismissed); returns how many changed. */
  markRead(ids: readonly number[]): number {
    return this.repository.markRead(ids);
  }

  /** Marks every unread one read; returns how many changed. */
  markAllRead(): number {
    return this.repository.markAllRead();
  }
}
