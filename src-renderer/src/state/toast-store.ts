/** Toasts: short notices, failures with their error code. Errors stay until dismissed; the rest fade after a few seconds. */
import { create } from 'zustand';

export interface Toast {
  id: number;
  tone: 'error' | 'success' | 'info';
  title: string;
  message: string;
  code?: string | undefined;
}

interface ToastState {
  toasts: Toast[];
  push(toast: Omit<Toast, 'id'>): void;
  dismiss(id: number): void;
}

let nextId = 1;
const LIMIT = 5;
/** How long a success or info toast stays, ms. */
const NOTICE_MS = 5000;

export const useToasts = create<ToastState>((set) => ({
  toasts: [],
  push: (toast) => {
    const id = nextId++;
    set((state) => ({ toasts: [...state.toasts, { ...toast, id }].slice(-LIMIT) }));
    if (toast.tone !== 'error') setTimeout(() => useToasts.getState().dismiss(id), NOTICE_MS);
  },
  dismiss: (id) => set((state) => ({ toasts: state.toasts.filter((toast) => toast.id !== id) })),
}));

/** Shows a toast from outside React. */
export function toast(value: Omit<Toast, 'id'>): void {
  useToasts.getState().push(value);
}
